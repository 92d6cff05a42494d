package org.den4j.lm.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.den4j.den.io.FileTree;
import org.den4j.lm.LmException;

/**
 * The {@code checkpoint-N} folders of a training output folder: finds the newest complete one, writes a new one
 * atomically and removes the oldest beyond a count.
 *
 * <p>A checkpoint is complete when it holds {@value #STATE_FILE}. What else goes into it is the caller's
 * ({@link Contents}); this class does not read checkpoints.
 */
public final class Checkpoints {
    /** The file that marks a checkpoint as complete (the trainer's step, seed and history). */
    public static final String STATE_FILE = "trainer_state.json";
    private static final String PREFIX = "checkpoint-";

    private final Path outputDir;
    private final int keep;

    /**
     * @param outputDir the folder holding the checkpoints
     * @param keep checkpoints kept after a write (oldest removed first); at least 1
     */
    public Checkpoints(Path outputDir, int keep) {
        if (keep < 1) {
            throw new IllegalArgumentException("keep must be at least 1, got " + keep);
        }
        this.outputDir = outputDir;
        this.keep = keep;
    }

    /** Writes the files of one checkpoint into a folder. */
    @FunctionalInterface
    public interface Contents {
        /** Writes into {@code folder}, which exists and is empty; must write {@value #STATE_FILE} too. */
        void writeTo(Path folder) throws IOException;
    }

    /**
     * The newest complete checkpoint, or null when there is none.
     *
     * @throws UncheckedIOException when the output folder cannot be listed
     */
    public Path latest() {
        if (!Files.isDirectory(outputDir)) {
            return null;
        }
        return list().stream().filter(p -> Files.isDirectory(p) && Files.isRegularFile(p.resolve(STATE_FILE)))
                .reduce((a, b) -> b).orElse(null);
    }

    /**
     * Writes {@code checkpoint-<step>} from {@code contents}: into a temporary folder first, renamed when complete
     * so that a killed run never leaves a half-written checkpoint; then removes the oldest beyond the count kept.
     *
     * @return the checkpoint folder
     * @throws LmException when a file cannot be written
     */
    public Path write(int step, Contents contents) {
        Path target = outputDir.resolve(PREFIX + step);
        Path tmp = outputDir.resolve("." + PREFIX + step + ".tmp");
        try {
            FileTree.delete(tmp);
            Files.createDirectories(tmp);
            contents.writeTo(tmp);
            FileTree.delete(target);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            List<Path> all = list();
            for (int i = 0; i < all.size() - keep; i++) {
                FileTree.delete(all.get(i));
            }
        } catch (IOException e) {
            throw new LmException("Cannot write checkpoint " + target + ": " + e, e);
        }
        return target;
    }

    /** The step of a checkpoint folder named {@code checkpoint-<step>}. */
    public static int step(Path checkpoint) {
        return Integer.parseInt(checkpoint.getFileName().toString().substring(PREFIX.length()));
    }

    /** The checkpoint folders, oldest first. */
    private List<Path> list() {
        try (Stream<Path> list = Files.list(outputDir)) {
            return list.filter(p -> p.getFileName().toString().matches(PREFIX + "\\d+"))
                    .sorted(Comparator.comparingInt(Checkpoints::step)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
