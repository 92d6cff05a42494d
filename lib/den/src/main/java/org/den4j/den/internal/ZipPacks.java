package org.den4j.den.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
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
     * Extracts {@code zip} into the empty directory {@code target}, refusing entries that would land
     * outside it.
     *
     * @return the record entry's bytes, or null when the pack has none
     * @throws DenInputException when an entry escapes the target or the file is not a zip
     */
    public static byte[] extract(Path zip, Path target) throws IOException {
        byte[] info = null;
        Path base = target.toAbsolutePath().normalize();
        int entries = 0;
        try (InputStream in = Files.newInputStream(zip); ZipInputStream z = new ZipInputStream(in)) {
            ZipEntry entry;
            while ((entry = z.getNextEntry()) != null) {
                entries++;
                String name = entry.getName().replace('\\', '/');
                Path dest = base.resolve(name).normalize();
                if (name.startsWith("/") || name.matches("^[A-Za-z]:.*") || !dest.startsWith(base) || dest.equals(base)) {
                    throw new DenInputException("Zip " + zip + " has entry '" + entry.getName()
                            + "' that escapes the target directory; refusing to import it (rebuild the zip with relative paths)");
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(dest);
                } else if (name.equals(INFO_ENTRY)) {
                    info = z.readAllBytes();
                } else {
                    Files.createDirectories(dest.getParent());
                    Files.copy(z, dest);
                }
            }
        } catch (java.util.zip.ZipException e) {
            throw new DenInputException("File " + zip + " is not a valid zip (" + e.getMessage()
                    + "); export it again with den export", e);
        }
        if (entries == 0) {
            throw new DenInputException("File " + zip + " is not a zip pack or holds no entries; pass a zip made by "
                    + "den export or a model directory");
        }
        return info;
    }
}
