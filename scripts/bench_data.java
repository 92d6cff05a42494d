///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DEPS org.den4j:den4j-bench:0.1.0
//DEPS org.slf4j:slf4j-nop:2.0.17
//JAVA_OPTIONS -Dai.djl.offline=true

import org.den4j.bench.cli.BenchDataCommand;
import org.den4j.command.Commands;

/** The bench-data command line; the command lives in lib/bench (org.den4j.bench.cli.BenchDataCommand). */
class bench_data {
    public static void main(String... args) {
        System.exit(Commands.line(new BenchDataCommand()).execute(args));
    }
}
