package org.den4j.hub.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.LongConsumer;

/** The two content hashes the Hub names files by: SHA-256 (LFS) and the git blob SHA-1 (regular files). */
public final class Checksums {
    /** {@code sha256}: an LFS file's hash. */
    public static final String SHA256 = "sha256";
    /** {@code git-sha1}: a regular git file's blob id. */
    public static final String GIT_SHA1 = "git-sha1";
    private static final int BUFFER = 1 << 20;

    private Checksums() {
    }

    /** Whether {@code s} is 64 lower-case hex digits, as an LFS etag. */
    public static boolean isSha256(String s) {
        return s != null && s.length() == 64 && isHex(s);
    }

    /** Whether {@code s} is 40 lower-case hex digits, as a git blob id or a commit. */
    public static boolean isSha1(String s) {
        return s != null && s.length() == 40 && isHex(s);
    }

    /** The algorithm that names a blob {@code etag}: {@link #SHA256}, {@link #GIT_SHA1}, or null for neither. */
    public static String algorithmOf(String etag) {
        return isSha256(etag) ? SHA256 : isSha1(etag) ? GIT_SHA1 : null;
    }

    /**
     * A digest ready for the bytes of a file of {@code size} bytes: plain SHA-256, or SHA-1 already fed
     * git's {@code "blob <size>\0"} header.
     */
    public static MessageDigest newDigest(String algorithm, long size) {
        try {
            if (SHA256.equals(algorithm)) {
                return MessageDigest.getInstance("SHA-256");
            }
            if (GIT_SHA1.equals(algorithm)) {
                MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
                sha1.update(("blob " + size + "\0").getBytes(StandardCharsets.US_ASCII));
                return sha1;
            }
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is missing from this JVM", e);
        }
        throw new IllegalArgumentException("unknown algorithm " + algorithm);
    }

    /** Lower-case hex of a finished digest. */
    public static String hex(MessageDigest digest) {
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Hashes a file with {@code algorithm}, reporting bytes read. */
    public static String of(Path file, String algorithm, LongConsumer progress) throws IOException {
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            MessageDigest digest = newDigest(algorithm, in.size());
            ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER);
            while (in.read(buffer) >= 0) {
                buffer.flip();
                int n = buffer.remaining();
                digest.update(buffer);
                buffer.clear();
                progress.accept(n);
            }
            return hex(digest);
        }
    }

    private static boolean isHex(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }
}
