///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DEPS org.den4j:den4j-coder:0.1.0
//DEPS org.slf4j:slf4j-nop:2.0.17
//JAVA_OPTIONS -Dai.djl.offline=true
//DESCRIPTION ICD codes for a note (--text, --pdf or --input JSONL) from a coder in the den, a coder folder, or an OpenAI-compatible server (--remote). Run with --help for the options.

import org.den4j.coder.cli.PredictCommand;

/** The predict command line; the command lives in lib/coder (org.den4j.coder.cli.PredictCommand). */
class predict {
    public static void main(String... args) {
        System.exit(PredictCommand.commandLine().execute(args));
    }
}
