///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DEPS org.den4j:den4j-coder:0.1.0
//JAVA_OPTIONS -Dai.djl.offline=true
//DESCRIPTION Measures ICD coders on a split and compares them. Run with --help for the options.

import org.den4j.coder.cli.EvaluateCommand;

/** The evaluate command line; the command lives in lib/coder (org.den4j.coder.cli.EvaluateCommand). */
class evaluate {
    public static void main(String... args) {
        System.exit(EvaluateCommand.commandLine(System.getenv()).execute(args));
    }
}
