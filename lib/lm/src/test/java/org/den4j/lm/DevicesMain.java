package org.den4j.lm;

import org.den4j.lm.cli.DevicesCommand;

/** The devices command as a main class, for tests that run it in a child JVM with other PYTORCH_* variables. */
public final class DevicesMain {
    private DevicesMain() {
    }

    public static void main(String... args) {
        System.exit(DevicesCommand.commandLine().execute(args));
    }
}
