///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DEPS org.den4j:den4j-bench:0.1.0
//DEPS org.slf4j:slf4j-nop:2.0.17

import org.den4j.bench.cli.BenchRemoteCommand;
import org.den4j.command.Commands;

/** The bench-remote command line; the command lives in lib/bench (org.den4j.bench.cli.BenchRemoteCommand). */
class bench_remote {
    public static void main(String... args) {
        System.exit(Commands.line(new BenchRemoteCommand()).execute(args));
    }
}
