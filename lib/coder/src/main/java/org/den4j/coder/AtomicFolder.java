package org.den4j.coder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Writes a folder whole or not at all: into a temporary folder beside the target, then moved into place (replacing
 * an older folder there), so that readers never see a half-written coder.
 */
public final class AtomicFolder {
    private AtomicFolder() {
    }

    /**
     * Calls {@code writer} with an empty temporary folder beside {@code target} and moves it to {@code target}.
     *
     * @return the target
     * @throws CoderException when the folder cannot be created or moved; nothing is left behind
     */
    public static Path write(Path target, Consumer<Path> writer) {
        Path abs = target.toAbsolutePath().normalize();
        Path tmp = null;
        try {
            Files.createDirectories(abs.getParent());
            tmp = Files.createTempDirectory(abs.getParent(), "." + abs.getFileName() + ".tmp-");
            writer.accept(tmp);
            Path old = null;
            if (Files.exists(abs)) {
                old = abs.resolveSibling("." + abs.getFileName() + ".old-" + System.nanoTime());
                Files.move(abs, old);
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs);
            }
            tmp = null;
            if (old != null) {
                deleteTree(old);
            }
            return target;
        } catch (IOException | UncheckedIOException e) {
            throw new CoderException("Cannot write " + target + ": " + e.getMessage() + "; check that its parent "
                    + "folder is writable and the disk has space", e);
        } finally {
            if (tmp != null) {
                try {
                    deleteTree(tmp);
                } catch (IOException e) {
                    // The write's own failure is the one to report.
                }
            }
        }
    }

    /** Deletes a folder and everything in it, if it exists. */
    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
