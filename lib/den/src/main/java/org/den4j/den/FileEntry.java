package org.den4j.den;

/**
 * One file of a model.
 *
 * @param path the path inside the model directory, with {@code /} separators
 * @param size the size in bytes
 * @param sha256 the SHA-256 of the contents, lower-case hex
 */
public record FileEntry(String path, long size, String sha256) {
    public FileEntry {
        if (path == null || path.isEmpty() || path.startsWith("/") || path.contains("\\")) {
            throw new DenInputException("File path '" + path + "' in a manifest must be relative with '/' separators");
        }
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new DenInputException("File path '" + path + "' in a manifest walks outside the model directory");
            }
        }
        if (size < 0) {
            throw new DenInputException("File '" + path + "' has a negative size " + size);
        }
        if (!isSha256Hex(sha256)) {
            throw new DenInputException("File '" + path + "' has an invalid sha256 '" + sha256 + "'");
        }
    }

    /** True for 64 lower-case hex digits; no regex, so reading a manifest in a new JVM compiles none. */
    private static boolean isSha256Hex(String s) {
        if (s == null || s.length() != 64) {
            return false;
        }
        for (int i = 0; i < 64; i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }
}
