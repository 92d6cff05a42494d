///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DEPS org.den4j:den4j-lm:0.1.0
//DEPS org.slf4j:slf4j-nop:2.0.17
//JAVA_OPTIONS -Dai.djl.offline=true
//DESCRIPTION Exports a Qwen2 model to GGUF (llama.cpp, LM Studio) or safetensors. Run with --help for the options.

import org.den4j.lm.kit.ExportModelCommand;

/** The export-model command line; the command lives in lib/lm (org.den4j.lm.kit.ExportModelCommand). */
class export_model {
    public static void main(String... args) {
        System.exit(ExportModelCommand.commandLine().execute(args));
    }
}
