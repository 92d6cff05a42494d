///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DEPS org.den4j:den4j-lm:0.1.0
//DEPS org.slf4j:slf4j-nop:2.0.17
//JAVA_OPTIONS -Dai.djl.offline=true
//DESCRIPTION Generates text with a Qwen2-family model (folder or den reference), optionally with a LoRA adapter; prints only the text.

import org.den4j.lm.cli.GenerateCommand;

/** The generate command line; the command lives in lib/lm (org.den4j.lm.cli.GenerateCommand). */
class generate {
    public static void main(String... args) {
        System.exit(GenerateCommand.commandLine().execute(args));
    }
}
