///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DEPS org.den4j:den4j-pipeline:0.1.0
//DEPS org.slf4j:slf4j-nop:2.0.17
//JAVA_OPTIONS -Dai.djl.offline=true
//DESCRIPTION Builds den4j's embedded Qwen2 base model from notes (tokenizer, config, weights). Run with --help for the options.

import org.den4j.pipeline.cli.LmKitCommand;

/** The lm-kit command line; the command lives in lib/pipeline (org.den4j.pipeline.cli.LmKitCommand). */
class lm_kit {
    public static void main(String... args) {
        System.exit(LmKitCommand.commandLine().execute(args));
    }
}
