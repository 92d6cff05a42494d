package org.den4j.den;

/**
 * One file of a model.
 *
 * <p>Paths are restricted to names every operating system can hold, so a model fetched anywhere has the same
 * files: relative, {@code /}-separated, no empty, {@code .} or {@code ..} segment, no NUL or other control
 * character (which also keeps {@link Manifest#canonicalText()} one line per file, so two manifests never
 * share it), none of Windows' {@code < > : " | ? * \}, no segment ending in a dot or a space, no device name
 * ({@code CON}, {@code NUL}, {@code COM1}...), at most 255 UTF-8 bytes per segment.
 *
 * @param path the path inside the model directory, with {@code /} separators
 * @param size the size in bytes
 * @param sha256 the SHA-256 of the contents, lower-case hex
 */
public record FileEntry(String path, long size, String sha256) {
    public FileEntry {
        checkPath(path);
        if (size < 0) {
            throw new DenInputException("File '" + path + "' has a negative size " + size);
        }
        if (!isSha256Hex(sha256)) {
            throw new DenInputException("File '" + path + "' has an invalid sha256 '" + sha256 + "'");
        }
    }

    /**
     * Checks a path as a manifest holds it (see the class comment), before a push hashes the file.
     *
     * @throws DenInputException naming the path and what is wrong with it
     */
    public static String checkPath(String path) {
        if (path == null || path.isEmpty() || path.startsWith("/") || path.contains("\\")) {
            throw new DenInputException("File path '" + path + "' in a manifest must be relative with '/' separators");
        }
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new DenInputException("File path '" + path + "' in a manifest walks outside the model directory");
            }
        }
        String problem = portabilityProblem(path);
        if (problem != null) {
            throw new DenInputException("File path '" + printable(path) + "' " + problem + "; rename the file so "
                    + "that every operating system can hold it");
        }
        return path;
    }

    /** Why {@code path} is not a name every OS can hold, or null; segments are already non-empty. */
    private static String portabilityProblem(String path) {
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return "holds a NUL, newline or other control character";
            }
            if ("<>:\"|?*".indexOf(c) >= 0) {
                return "holds '" + c + "', which Windows does not allow in file names";
            }
        }
        for (String segment : path.split("/")) {
            char last = segment.charAt(segment.length() - 1);
            if (last == '.' || last == ' ') {
                return "has a segment ending in '" + last + "', which Windows drops";
            }
            int dot = segment.indexOf('.');
            String stem = (dot < 0 ? segment : segment.substring(0, dot)).toUpperCase(java.util.Locale.ROOT);
            if (stem.equals("CON") || stem.equals("PRN") || stem.equals("AUX") || stem.equals("NUL")
                    || (stem.length() == 4 && (stem.startsWith("COM") || stem.startsWith("LPT"))
                            && stem.charAt(3) >= '1' && stem.charAt(3) <= '9')) {
                return "has the segment '" + segment + "', a device name on Windows";
            }
            if (segment.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 255) {
                return "has a segment longer than 255 bytes";
            }
        }
        return null;
    }

    private static String printable(String path) {
        StringBuilder out = new StringBuilder();
        path.chars().forEach(c -> out.append(c < 0x20 || c == 0x7f ? String.format("\\u%04x", c)
                : String.valueOf((char) c)));
        return out.toString();
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
