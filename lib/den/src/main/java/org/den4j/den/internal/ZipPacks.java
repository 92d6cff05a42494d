package org.den4j.den.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.den4j.den.DenInputException;
import org.den4j.den.FileEntry;
import org.den4j.den.Manifest;
import org.den4j.den.backend.LocalBackend;

/** Zip model packs: the model's files plus {@value #INFO_ENTRY} with its registry record. */
public final class ZipPacks {
    /** The entry that carries the model's registry record in an exported pack. */
    public static final String INFO_ENTRY = "den4j-model.json";
    private static final long MAX_INFO_BYTES = 16L << 20;

    private ZipPacks() {
    }

    /** Writes the model in {@code dir} to {@code zip} atomically, with {@code info} as the record entry. */
    public static void export(Path dir, Manifest manifest, byte[] info, Path zip) throws IOException {
        Path parent = zip.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempFile(parent, "." + zip.getFileName(), ".part");
        try {
            try (OutputStream out = Files.newOutputStream(tmp); ZipOutputStream z = new ZipOutputStream(out)) {
                z.putNextEntry(new ZipEntry(INFO_ENTRY));
                z.write(info);
                z.closeEntry();
                for (FileEntry file : manifest.files()) {
                    z.putNextEntry(new ZipEntry(file.path()));
                    Files.copy(dir.resolve(file.path()), z);
                    z.closeEntry();
                }
            }
            LocalBackend.moveReplacing(tmp, zip);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * How far an imported zip may expand: at most {@code maxBytes} in all, at most {@code maxRatio} times the
     * zip's own size (plus 16 MiB, so small packs of zeros pass), at most {@code maxEntries} entries. A zip
     * bomb (the deflate format reaches about 1000:1) stops at the first limit it crosses, and what was
     * extracted is removed with the staging folder.
     */
    public record Limits(long maxBytes, long maxRatio, int maxEntries) {
        /** 512 GiB, 100 times the zip, 100,000 entries: far above a real model pack (safetensors barely compress). */
        public static final Limits DEFAULT = new Limits(512L << 30, 100, 100_000);
        private static final long SLACK = 16L << 20;

        public Limits {
            if (maxBytes <= 0 || maxRatio <= 0 || maxEntries <= 0) {
                throw new IllegalArgumentException("zip limits must be positive: " + maxBytes + " bytes, ratio "
                        + maxRatio + ", " + maxEntries + " entries");
            }
        }

        /** The most bytes a zip of {@code zipSize} bytes may expand to. */
        long allowed(long zipSize) {
            long byRatio = zipSize > (Long.MAX_VALUE - SLACK) / maxRatio ? Long.MAX_VALUE : zipSize * maxRatio + SLACK;
            return Math.min(maxBytes, byRatio);
        }
    }

    /** {@link #extract(Path, Path, Limits)} with {@link Limits#DEFAULT}. */
    public static byte[] extract(Path zip, Path target) throws IOException {
        return extract(zip, target, Limits.DEFAULT);
    }

    /**
     * Extracts {@code zip} into the empty directory {@code target}, refusing entries that would land
     * outside it or whose names no file system can hold, and stopping at {@code limits}.
     *
     * @return the record entry's bytes, or null when the pack has none
     * @throws DenInputException when an entry escapes the target, has a NUL or control character in its name,
     *     the zip expands past a limit, or the file is not a zip
     */
    public static byte[] extract(Path zip, Path target, Limits limits) throws IOException {
        byte[] info = null;
        Path base = target.toAbsolutePath().normalize();
        int entries = 0;
        long allowed = limits.allowed(Files.size(zip));
        long[] written = {0};
        try (InputStream in = Files.newInputStream(zip); ZipInputStream z = new ZipInputStream(in)) {
            ZipEntry entry;
            while ((entry = z.getNextEntry()) != null) {
                entries++;
                if (entries > limits.maxEntries()) {
                    throw new DenInputException("Zip " + zip + " has more than " + limits.maxEntries()
                            + " entries, the most den import takes; refusing to import it");
                }
                String name = entry.getName().replace('\\', '/');
                if (name.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                    throw new DenInputException("Zip " + zip + " has an entry whose name holds a NUL or control "
                            + "character ('" + name.replaceAll("[\\x00-\\x1f\\x7f]", "?") + "'); refusing to "
                            + "import it (rebuild the zip with plain file names)");
                }
                Path dest = base.resolve(name).normalize();
                if (name.startsWith("/") || name.matches("^[A-Za-z]:.*") || !dest.startsWith(base) || dest.equals(base)) {
                    throw new DenInputException("Zip " + zip + " has entry '" + entry.getName()
                            + "' that escapes the target directory; refusing to import it (rebuild the zip with relative paths)");
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(dest);
                } else if (name.equals(INFO_ENTRY)) {
                    info = copyBounded(z, OutputStream.nullOutputStream(), zip, written, Math.min(allowed,
                            written[0] + MAX_INFO_BYTES), limits, true);
                } else {
                    Files.createDirectories(dest.getParent());
                    try (OutputStream out = Files.newOutputStream(dest, StandardOpenOption.CREATE_NEW,
                            StandardOpenOption.WRITE)) {
                        copyBounded(z, out, zip, written, allowed, limits, false);
                    }
                }
            }
        } catch (java.util.zip.ZipException | java.io.EOFException e) {
            throw new DenInputException("File " + zip + " is not a valid zip (" + e.getMessage()
                    + "); export it again with den export", e);
        }
        if (entries == 0) {
            throw new DenInputException("File " + zip + " is not a zip pack or holds no entries; pass a zip made by "
                    + "den export or a model directory");
        }
        return info;
    }

    /**
     * Copies one entry, counting every byte against {@code limit} (the bytes of all entries so far are in
     * {@code written}); returns the bytes when {@code keep}.
     */
    private static byte[] copyBounded(InputStream in, OutputStream out, Path zip, long[] written, long limit,
            Limits limits, boolean keep) throws IOException {
        java.io.ByteArrayOutputStream kept = keep ? new java.io.ByteArrayOutputStream() : null;
        byte[] buffer = new byte[1 << 16];
        int n;
        while ((n = in.read(buffer)) > 0) {
            written[0] += n;
            if (written[0] > limit) {
                throw new DenInputException("Zip " + zip + " expands to more than " + limit + " bytes, the most den "
                        + "import takes from a zip of " + Files.size(zip) + " bytes (" + limits.maxRatio()
                        + " times its size plus 16 MiB, at most " + limits.maxBytes() + " bytes in all, and at most "
                        + MAX_INFO_BYTES + " for " + INFO_ENTRY + "); refusing it as a zip bomb. Nothing was "
                        + "imported.");
            }
            out.write(buffer, 0, n);
            if (kept != null) {
                kept.write(buffer, 0, n);
            }
        }
        return kept == null ? null : kept.toByteArray();
    }
}
