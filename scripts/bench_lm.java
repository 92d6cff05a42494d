///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DEPS org.den4j:den4j-bench:0.1.0
//DEPS org.slf4j:slf4j-nop:2.0.17
//JAVA_OPTIONS -Dai.djl.offline=true

import org.den4j.bench.cli.BenchLmCommand;
import org.den4j.command.Commands;

/** The bench-lm command line; the command lives in lib/bench (org.den4j.bench.cli.BenchLmCommand). */
class bench_lm {
    public static void main(String... args) {
        System.exit(Commands.line(new BenchLmCommand()).execute(args));
    }
}
