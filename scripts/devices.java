///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DEPS org.den4j:den4j-lm:0.1.0
//DEPS org.slf4j:slf4j-nop:2.0.17
//JAVA_OPTIONS -Dai.djl.offline=true
//DESCRIPTION Prints the PyTorch build den4j loads (version, cpu or cu128, from where) and the CUDA GPUs it sees.

import org.den4j.lm.cli.DevicesCommand;

/** The devices command line; the command lives in lib/lm (org.den4j.lm.cli.DevicesCommand). */
class devices {
    public static void main(String... args) {
        System.exit(DevicesCommand.commandLine().execute(args));
    }
}
