///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DEPS org.den4j:den4j-lm:0.1.0
//JAVA_OPTIONS -Dai.djl.offline=true
//DESCRIPTION Builds den4j's embedded Qwen2 base model from notes (tokenizer, config, weights). Run with --help for the options.

import org.den4j.lm.kit.LmKitCommand;

/** The lm-kit command line; the command lives in lib/lm (org.den4j.lm.kit.LmKitCommand). */
class lm_kit {
    public static void main(String... args) {
        System.exit(LmKitCommand.commandLine().execute(args));
    }
}
