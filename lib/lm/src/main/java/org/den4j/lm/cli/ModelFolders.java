package org.den4j.lm.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import org.den4j.den.Den;

/** Turns a {@code --model} value into a folder: an existing folder as is, else a den reference fetched. */
public final class ModelFolders {
    private ModelFolders() {
    }

    /**
     * The folder of {@code model}: itself when it is a folder, else the den's local copy of the reference.
     *
     * @throws org.den4j.den.DenException when it is neither a folder nor a model in the den
     */
    public static Path resolve(String model) {
        Path path = Path.of(model);
        if (Files.isDirectory(path)) {
            return path;
        }
        try (Den den = Den.open()) {
            return den.fetch(model);
        }
    }
}
