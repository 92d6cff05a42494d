package org.den4j.den.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;

/**
 * Removes and measures directory trees, including the read-only ones the den makes (fetched models).
 *
 * <pre>{@code
 * FileTree.Removed removed = FileTree.delete(workDir);   // throws IOException naming what it could not delete
 * FileTree.deleteQuietly(tmp);                          // best effort, for clean-up after another failure
 * }</pre>
 *
 * <p>Links are removed, never followed. It does not retry: a file another process holds open on
 * Windows stays and is reported.
 */
public final class FileTree {
    private FileTree() {
    }

    /**
     * What a deletion removed.
     *
     * @param entries files, links and directories removed
     * @param bytes the sizes of the regular files removed
     */
    public record Removed(int entries, long bytes) {
        /** Nothing removed. */
        public static final Removed NOTHING = new Removed(0, 0);

        Removed plus(Removed other) {
            return new Removed(entries + other.entries, bytes + other.bytes);
        }
    }

    /**
     * Deletes a file or a directory tree, making read-only directories writable first; a missing path is
     * nothing to delete.
     *
     * @throws IOException naming the path that could not be listed or deleted
     */
    public static Removed delete(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return Removed.NOTHING;
        }
        Removed removed = Removed.NOTHING;
        long bytes = 0;
        if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            try {
                Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwx------"));
            } catch (UnsupportedOperationException | IOException e) {
                // Not POSIX, or not ours: the deletion below works or names the path.
            }
            List<Path> children;
            try (Stream<Path> s = Files.list(path)) {
                children = s.toList();
            } catch (NoSuchFileException e) {
                return Removed.NOTHING; // removed meanwhile
            }
            for (Path child : children) {
                removed = removed.plus(delete(child));
            }
        } else {
            try {
                BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                bytes = a.isRegularFile() ? a.size() : 0;
            } catch (IOException e) {
                // size unknown
            }
        }
        try {
            return Files.deleteIfExists(path) ? removed.plus(new Removed(1, bytes)) : removed;
        } catch (IOException e) {
            throw new IOException("Cannot delete " + path + ": " + e, e);
        }
    }

    /** Deletes like {@link #delete}, ignoring failures: for leftovers whose removal must not hide another error. */
    public static void deleteQuietly(Path path) {
        if (path == null) {
            return;
        }
        try {
            delete(path);
        } catch (IOException | UncheckedIOException e) {
            // a leftover temporary folder is harmless; the caller's own outcome is what matters
        }
    }

    /** The sum of the sizes of the regular files under {@code path}, as {@code du -sb} counts them; 0 when missing. */
    public static long size(Path path) throws IOException {
        if (!Files.exists(path)) {
            return 0;
        }
        long[] total = new long[1];
        Files.walkFileTree(path, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (attrs.isRegularFile()) {
                    total[0] += attrs.size();
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return total[0];
    }

    /** The regular files under {@code dir} (links not followed), sorted. */
    public static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).sorted().toList();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
