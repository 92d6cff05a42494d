///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DEPS org.den4j:den4j-bench:0.1.0
//DEPS ai.djl.huggingface:tokenizers:0.35.1
//DEPS org.slf4j:slf4j-nop:2.0.17

import org.den4j.bench.cli.BenchAgentCommand;
import org.den4j.command.Commands;

/** The bench-agent command line; the command lives in lib/bench (org.den4j.bench.cli.BenchAgentCommand). */
class bench_agent {
    public static void main(String... args) {
        System.exit(Commands.line(new BenchAgentCommand()).execute(args));
    }
}
