///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DEPS org.den4j:den4j-coder:0.1.0
//JAVA_OPTIONS -Dai.djl.offline=true
//DESCRIPTION The coder benchmark of issue 12: linear, naive-bayes and LM coders on one synthetic split. Run with --help.

import org.den4j.coder.cli.BenchCoderCommand;

/** The bench-coder command line; the command lives in lib/coder (org.den4j.coder.cli.BenchCoderCommand). */
class bench_coder {
    public static void main(String... args) {
        System.exit(BenchCoderCommand.commandLine(System.err, System.getenv()).execute(args));
    }
}
