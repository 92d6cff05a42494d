package org.den4j.den.format;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.LongConsumer;

/** SHA-256 of files and streams, optionally copying the bytes while hashing. */
public final class Sha256 {
    private static final int BUFFER = 1 << 20;

    private Sha256() {
    }

    /** A fresh SHA-256 digest. */
    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** Hex of a finished digest. */
    public static String hex(MessageDigest digest) {
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Hashes a file, reporting bytes read to {@code progress}. */
    public static String of(Path file, LongConsumer progress) throws IOException {
        MessageDigest sha = newDigest();
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER);
            while (in.read(buffer) >= 0) {
                buffer.flip();
                int n = buffer.remaining();
                sha.update(buffer);
                buffer.clear();
                progress.accept(n);
            }
        }
        return hex(sha);
    }

    /** Hashes a stream to its end, reporting bytes read; the caller closes the stream. */
    public static String of(InputStream in, LongConsumer progress) throws IOException {
        MessageDigest sha = newDigest();
        byte[] buffer = new byte[BUFFER];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            sha.update(buffer, 0, n);
            progress.accept(n);
        }
        return hex(sha);
    }

    /**
     * Copies {@code source} to the new file {@code target} in one pass, hashing as it goes.
     *
     * @return the hash and the number of bytes copied
     */
    public static Copy copy(Path source, Path target, LongConsumer progress) throws IOException {
        MessageDigest sha = newDigest();
        long total = 0;
        try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ);
             FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER);
            while (in.read(buffer) >= 0) {
                buffer.flip();
                int n = buffer.remaining();
                buffer.mark();
                sha.update(buffer);
                buffer.reset();
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
                buffer.clear();
                total += n;
                progress.accept(n);
            }
        }
        return new Copy(hex(sha), total);
    }

    /** Copies a stream into the new file {@code target}, hashing as it goes; the caller closes the stream. */
    public static Copy copy(InputStream in, Path target, LongConsumer progress) throws IOException {
        MessageDigest sha = newDigest();
        long total = 0;
        byte[] buffer = new byte[BUFFER];
        try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                sha.update(buffer, 0, n);
                out.write(buffer, 0, n);
                total += n;
                progress.accept(n);
            }
        }
        return new Copy(hex(sha), total);
    }

    /**
     * A hashed copy.
     *
     * @param sha256 the hash, lower-case hex
     * @param size bytes copied
     */
    public record Copy(String sha256, long size) {
    }
}
