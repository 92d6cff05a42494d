package org.den4j.coder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.function.Consumer;
import org.den4j.den.io.FileTree;

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
                FileTree.delete(old);
            }
            return target;
        } catch (IOException | UncheckedIOException e) {
            throw new CoderException("Cannot write " + target + ": " + e.getMessage() + "; check that its parent "
                    + "folder is writable and the disk has space", e);
        } finally {
            if (tmp != null) {
                FileTree.deleteQuietly(tmp); // the write's own failure is the one to report
            }
        }
    }
}
