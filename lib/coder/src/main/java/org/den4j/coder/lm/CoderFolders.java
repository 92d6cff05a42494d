package org.den4j.coder.lm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;
import org.den4j.coder.CoderConfig;
import org.den4j.coder.CoderException;
import org.den4j.coder.CoderInputException;
import org.den4j.den.io.FileTree;

/** Writing a coder folder beside its target and moving it into place, so a failed run leaves nothing half-written. */
final class CoderFolders {
    private CoderFolders() {
    }

    /**
     * A new empty folder beside {@code target}.
     *
     * @throws CoderInputException when {@code target} exists and is neither empty nor a coder folder
     */
    static Path staging(Path target) {
        Path t = target.toAbsolutePath().normalize();
        if (Files.isDirectory(t) && !CoderConfig.isCoderFolder(t)) {
            try (Stream<Path> files = Files.list(t)) {
                if (files.findAny().isPresent()) {
                    throw new CoderInputException("Output folder " + t + " holds files but no coder; choose another "
                            + "--output-dir or empty it");
                }
            } catch (IOException e) {
                throw new CoderException("Cannot read " + t + ": " + e.getMessage(), e);
            }
        } else if (Files.exists(t) && !Files.isDirectory(t)) {
            throw new CoderInputException("Output " + t + " is a file; give a folder for the coder");
        }
        try {
            Files.createDirectories(t.getParent());
            return Files.createTempDirectory(t.getParent(), "." + t.getFileName() + "-");
        } catch (IOException e) {
            throw new CoderException("Cannot create a folder beside " + t + ": " + e.getMessage(), e);
        }
    }

    /** Moves the complete {@code staged} folder to {@code target}, replacing an older coder there. */
    static Path commit(Path staged, Path target) {
        Path t = target.toAbsolutePath().normalize();
        Path old = null;
        try {
            if (Files.exists(t)) {
                old = t.resolveSibling("." + t.getFileName() + "-old-" + System.nanoTime());
                Files.move(t, old, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.move(staged, t, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new CoderException("Cannot move the trained coder into " + t + ": " + e.getMessage(), e);
        }
        FileTree.deleteQuietly(old);
        return t;
    }
}
