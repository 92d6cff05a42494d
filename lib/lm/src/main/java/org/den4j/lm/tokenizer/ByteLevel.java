package org.den4j.lm.tokenizer;

import java.nio.charset.StandardCharsets;

/**
 * The byte-level alphabet of GPT-2 style tokenizers: each of the 256 byte values is shown as one
 * printable character, so that every token is a plain string.
 *
 * <p>Printable bytes ({@code !..~}, {@code ¡..¬}, {@code ®..ÿ}) stand for themselves; the other 68
 * bytes take the characters from U+0100 upwards, in byte order. The order of {@link #alphabet()}
 * (printable bytes first) is the order of the first 256 token ids.
 */
final class ByteLevel {
    private static final char[] BYTE_TO_CHAR = new char[256];
    private static final int[] CHAR_TO_BYTE = new int[512];
    private static final int[] ALPHABET = new int[256];

    static {
        java.util.Arrays.fill(CHAR_TO_BYTE, -1);
        int n = 0;
        int next = 0;
        for (int b = 0; b < 256; b++) {
            if (isPrintable(b)) {
                BYTE_TO_CHAR[b] = (char) b;
                ALPHABET[n++] = b;
            }
        }
        for (int b = 0; b < 256; b++) {
            if (!isPrintable(b)) {
                BYTE_TO_CHAR[b] = (char) (256 + next++);
                ALPHABET[n++] = b;
            }
        }
        for (int b = 0; b < 256; b++) {
            CHAR_TO_BYTE[BYTE_TO_CHAR[b]] = b;
        }
    }

    private ByteLevel() {
    }

    private static boolean isPrintable(int b) {
        return (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
    }

    /** The character that shows byte {@code b} (0..255). */
    static char charOf(int b) {
        return BYTE_TO_CHAR[b & 0xFF];
    }

    /** The byte a byte-level character stands for, or -1 if it is not one. */
    static int byteOf(char c) {
        return c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
    }

    /** The 256 byte values in token-id order. */
    static int[] alphabet() {
        return ALPHABET.clone();
    }

    /** The UTF-8 bytes of {@code text} as byte-level characters. */
    static String encode(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        char[] chars = new char[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            chars[i] = BYTE_TO_CHAR[bytes[i] & 0xFF];
        }
        return new String(chars);
    }

    /** Appends the bytes a byte-level token stands for; false if it holds another character. */
    static boolean appendBytes(String token, java.io.ByteArrayOutputStream out) {
        for (int i = 0; i < token.length(); i++) {
            int b = byteOf(token.charAt(i));
            if (b < 0) {
                return false;
            }
            out.write(b);
        }
        return true;
    }
}
