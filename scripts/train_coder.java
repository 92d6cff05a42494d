///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DEPS org.den4j:den4j-coder:0.1.0
//JAVA_OPTIONS -Dai.djl.offline=true
//DESCRIPTION Trains an ICD coder (linear, naive-bayes, lm-*) on a prepare-mimic database. Run with --help for the options.

import org.den4j.coder.cli.TrainCoderCommand;

/** The train-coder command line; the command lives in lib/coder (org.den4j.coder.cli.TrainCoderCommand). */
class train_coder {
    public static void main(String... args) {
        System.exit(TrainCoderCommand.commandLine(System.err, System.getenv()).execute(args));
    }
}
