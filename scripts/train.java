///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DEPS org.den4j:den4j-pipeline:0.1.0
//DEPS org.slf4j:slf4j-nop:2.0.17
//JAVA_OPTIONS -Dai.djl.offline=true
//DESCRIPTION Fine-tunes a Qwen2-family model with LoRA as config/training-config.yaml says, on the tokenized sets of prepare-tokens (or --pairs).

import org.den4j.pipeline.cli.TrainCommand;

/** The train command; the wiring of lib/data to lib/lm lives in lib/pipeline (org.den4j.pipeline.FineTune). */
class train {
    public static void main(String... args) {
        System.exit(TrainCommand.commandLine().execute(args));
    }
}
