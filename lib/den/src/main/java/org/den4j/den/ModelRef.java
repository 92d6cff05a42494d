package org.den4j.den;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A reference to a model: {@code name}, {@code name@3}, {@code name@prod} or {@code sha256:ab12...}.
 *
 * <p>A bare name means its latest version. Names look like Hub ids ({@code org/name}): segments of
 * {@code [A-Za-z0-9._-]} separated by {@code /}, never {@code .} or {@code ..}.
 *
 * @param name the model name, or null for a digest reference
 * @param version the version number, or 0 when not given
 * @param alias the alias, or null when not given
 * @param digestPrefix the hex digest prefix of a {@code sha256:} reference, or null
 */
public record ModelRef(String name, int version, String alias, String digestPrefix) {
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9._-]+");
    private static final Pattern ALIAS = Pattern.compile("[A-Za-z][A-Za-z0-9._-]*");
    private static final Pattern HEX = Pattern.compile("[0-9a-f]+");
    /** The shortest digest prefix accepted, so that a reference stays unambiguous in practice. */
    public static final int MIN_DIGEST_PREFIX = 6;

    public ModelRef {
        if (digestPrefix == null) {
            checkName(name);
            if (version < 0) {
                throw new DenInputException("Version " + version + " of " + name + " is negative; versions start at 1");
            }
            if (alias != null) {
                checkAlias(alias);
            }
        }
    }

    /**
     * Parses a reference.
     *
     * @throws DenInputException when the text is not a valid reference
     */
    public static ModelRef parse(String text) {
        if (text == null || text.isBlank()) {
            throw new DenInputException("Empty model reference; write name, name@VERSION, name@ALIAS or sha256:DIGEST");
        }
        String ref = text.trim();
        if (ref.startsWith("sha256:")) {
            String hex = ref.substring("sha256:".length()).toLowerCase(Locale.ROOT);
            if (hex.length() < MIN_DIGEST_PREFIX || hex.length() > 64 || !HEX.matcher(hex).matches()) {
                throw new DenInputException("Reference '" + text + "' is not a digest reference; write sha256: followed by "
                        + MIN_DIGEST_PREFIX + " to 64 lower-case hex digits");
            }
            return new ModelRef(null, 0, null, hex);
        }
        int at = ref.lastIndexOf('@');
        if (at < 0) {
            return new ModelRef(ref, 0, null, null);
        }
        String name = ref.substring(0, at);
        String tail = ref.substring(at + 1);
        if (tail.isEmpty()) {
            throw new DenInputException("Reference '" + text + "' ends with '@'; write name@VERSION or name@ALIAS");
        }
        if (tail.chars().allMatch(Character::isDigit)) {
            int version;
            try {
                version = Integer.parseInt(tail);
            } catch (NumberFormatException e) {
                throw new DenInputException("Version '" + tail + "' in '" + text + "' is too large", e);
            }
            if (version == 0) {
                throw new DenInputException("Version 0 in '" + text + "' does not exist; versions start at 1");
            }
            return new ModelRef(name, version, null, null);
        }
        return new ModelRef(name, 0, tail, null);
    }

    /** A reference to one version of a model. */
    public static ModelRef of(String name, int version) {
        return new ModelRef(name, version, null, null);
    }

    /**
     * Checks a model name and returns it.
     *
     * @throws DenInputException naming the problem when the name is not valid
     */
    public static String checkName(String name) {
        if (name == null || name.isEmpty()) {
            throw new DenInputException("Model name is empty; use a Hub-style name such as org/model");
        }
        if (name.length() > 200) {
            throw new DenInputException("Model name '" + name.substring(0, 40) + "...' is longer than 200 characters");
        }
        if (name.startsWith("/") || (name.length() >= 2 && name.charAt(1) == ':' && Character.isLetter(name.charAt(0)) && name.charAt(0) < 128) || name.startsWith("\\")) {
            throw new DenInputException("Model name '" + name + "' is an absolute path; use a name such as org/model");
        }
        if (name.endsWith("/")) {
            throw new DenInputException("Model name '" + name + "' ends with '/'; use a name such as org/model");
        }
        for (String segment : name.split("/", -1)) {
            if (segment.isEmpty()) {
                throw new DenInputException("Model name '" + name + "' has an empty segment ('//'); use a name such as org/model");
            }
            if (segment.equals(".") || segment.equals("..")) {
                throw new DenInputException("Model name '" + name + "' contains '" + segment
                        + "'; names may not walk directories, use a name such as org/model");
            }
            if (!SEGMENT.matcher(segment).matches()) {
                throw new DenInputException("Model name '" + name + "' has characters outside [A-Za-z0-9._-/]; "
                        + "use letters, digits, '.', '_', '-' and '/' only");
            }
        }
        return name;
    }

    /**
     * Checks an alias and returns it.
     *
     * @throws DenInputException when the alias is not a letter followed by [A-Za-z0-9._-]
     */
    public static String checkAlias(String alias) {
        if (alias == null || !ALIAS.matcher(alias).matches()) {
            throw new DenInputException("Alias '" + alias + "' is not valid; an alias starts with a letter and has only "
                    + "[A-Za-z0-9._-], for example prod or champion");
        }
        return alias;
    }

    /** True for {@code sha256:} references. */
    public boolean isDigest() {
        return digestPrefix != null;
    }

    @Override
    public String toString() {
        if (digestPrefix != null) {
            return "sha256:" + digestPrefix;
        }
        if (version > 0) {
            return name + "@" + version;
        }
        return alias != null ? name + "@" + alias : name;
    }
}
