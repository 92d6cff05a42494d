///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DEPS org.den4j:den4j-pipeline:0.1.0
//DEPS org.slf4j:slf4j-nop:2.0.17
//JAVA_OPTIONS -Dai.djl.offline=true
//DESCRIPTION The main job, end to end, on embedded defaults: synthetic MIMIC-IV into DuckDB, den4j's own small Qwen2 model, token sets, a LoRA fine-tune, codes scored on held-out notes, both models pushed to the den.

import org.den4j.pipeline.cli.PipelineCommand;

/** The main job; it lives in lib/pipeline (org.den4j.pipeline.Pipeline). */
class pipeline {
    public static void main(String... args) {
        System.exit(PipelineCommand.commandLine().execute(args));
    }
}
