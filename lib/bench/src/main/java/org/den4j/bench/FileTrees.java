package org.den4j.bench;

import java.io.IOException;
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

/** Byte counts and removal of directory trees, including the den's read-only parts. */
final class FileTrees {
    private FileTrees() {
    }

    /** The sum of the sizes of the regular files under {@code dir}, as {@code du -sb} counts them; 0 when missing. */
    static long bytes(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return 0;
        }
        long[] total = new long[1];
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
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

    /** The regular files under {@code dir}, sorted. */
    static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).sorted().toList();
        }
    }

    /** Deletes a file or tree, making read-only directories writable first (fetched models are read-only). */
    static void delete(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            try {
                Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwx------"));
            } catch (UnsupportedOperationException e) {
                // not POSIX: deletion works or fails on its own
            }
            try (Stream<Path> s = Files.list(path)) {
                for (Path child : s.toList()) {
                    delete(child);
                }
            }
        }
        try {
            Files.delete(path);
        } catch (NoSuchFileException e) {
            // gone meanwhile
        }
    }

    /** Hard-links {@code target} to {@code source}, or copies it where links are not possible. */
    static void linkOrCopy(Path source, Path target) throws IOException {
        try {
            Files.createLink(target, source);
        } catch (UnsupportedOperationException | IOException e) {
            Files.copy(source, target);
        }
    }
}
