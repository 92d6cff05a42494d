package org.den4j.lm.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import org.den4j.den.Den;
import org.den4j.den.DenConfig;

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

    /**
     * The folder of a model about to be fine-tuned: like {@link #resolve(String)} with the den {@code config}
     * describes, but a reference to a model of a remote den that forbids local fine-tuning is refused before
     * anything is fetched ({@link Den#checkLocalFineTune(String)}).
     *
     * @throws org.den4j.den.FineTuneRefusedException naming the den and the setting that forbids it
     * @throws org.den4j.den.DenException when it is neither a folder nor a model in the den
     */
    public static Path resolveForFineTune(String model, DenConfig config) {
        Path path = Path.of(model);
        if (Files.isDirectory(path)) {
            return path;
        }
        try (Den den = Den.open(config)) {
            den.checkLocalFineTune(model);
            return den.fetch(model);
        }
    }
}
