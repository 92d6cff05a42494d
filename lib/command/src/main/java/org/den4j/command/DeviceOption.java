package org.den4j.command;

import picocli.CommandLine.Option;

/** The {@code --device} option as a mixin ({@code @Mixin DeviceOption device;}): where a model runs. */
public final class DeviceOption {
    @Option(names = "--device", defaultValue = "auto", paramLabel = "DEVICE",
            description = "auto, cpu, cuda, cuda:N or mps (default: ${DEFAULT-VALUE}).")
    String device;

    /** The device as given: {@code auto} (the default), {@code cpu}, {@code cuda}, {@code cuda:N} or {@code mps}. */
    public String device() {
        return device;
    }
}
