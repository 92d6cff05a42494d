package org.den4j.command;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads a YAML configuration of sections and keys where every key is checked: an unknown key, a
 * section that is not a mapping or a value of the wrong kind fails with the dotted key, the file and
 * the fix, through the caller's own exception. The one reader behind {@code config/training-config.yaml}
 * and {@code config/inference-config.yaml}.
 *
 * <pre>{@code
 * ConfigKeys keys = ConfigKeys.of(file, "inference configuration", InferenceConfig.DEFAULT_FILE,
 *         InferenceConfigException::new);
 * JsonNode root = keys.root(keys.read(), Set.of("model", "api"));
 * JsonNode api = keys.section(root, "api", Set.of("port"));
 * int port = keys.integer(api, "api.port", 8000);
 * }</pre>
 */
public final class ConfigKeys {
    /** Makes the caller's exception for a bad key. */
    @FunctionalInterface
    public interface Failure {
        /**
         * @param file the configuration file, or null
         * @param key the dotted key, or {@code file} for the file as a whole
         * @param message what is wrong and how to fix it
         */
        RuntimeException of(Path file, String key, String message);
    }

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private final Path file;
    private final String kind;
    private final String where;
    private final Path shipped;
    private final Failure failure;

    private ConfigKeys(Path file, String kind, Path shipped, Failure failure) {
        this.file = file;
        this.kind = kind;
        this.shipped = shipped;
        this.where = file == null ? "the " + kind : file.toString();
        this.failure = failure;
    }

    /**
     * A reader for {@code file} (null when the text does not come from a file).
     *
     * @param kind what the file is, for messages, such as {@code training configuration}
     * @param shipped the copy den4j ships, named when the file is missing, such as
     *     {@code config/training-config.yaml}
     */
    public static ConfigKeys of(Path file, String kind, Path shipped, Failure failure) {
        return new ConfigKeys(file, kind, shipped, failure);
    }

    /** The file, or {@code the KIND} when there is none: how messages name it. */
    public String where() {
        return where;
    }

    /** The file's text, failing (key {@code file}) when it is missing or unreadable. */
    public String read() {
        try {
            return Files.readString(file);
        } catch (NoSuchFileException e) {
            String name = kind.substring(0, 1).toUpperCase(java.util.Locale.ROOT) + kind.substring(1);
            throw failure.of(file, "file", name + " " + file + " does not exist; pass --config FILE, or copy "
                    + shipped + " from den4j");
        } catch (IOException e) {
            throw failure.of(file, "file", "Cannot read " + kind + " " + file + " (" + e
                    + "); check that it is a readable file");
        }
    }

    /**
     * Parses the YAML text into its top-level mapping (empty text is an empty mapping) and checks that
     * only {@code sections} appear there.
     */
    public JsonNode root(String yaml, Set<String> sections) {
        String hint = String.join(":, ", new TreeSet<>(sections)) + ":";
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (JacksonException e) {
            String line = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
            throw failure.of(file, "file", where + " is not valid YAML" + line + ": " + e.getOriginalMessage()
                    + "; fix the syntax (sections " + hint + ")");
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            root = YAML.createObjectNode();
        }
        if (!root.isObject()) {
            throw failure.of(file, "file", where + " is not a mapping; write the sections " + hint
                    + " at the top level");
        }
        unknown(root, "", sections);
        return root;
    }

    /** The section {@code name} (dotted for a nested one) of {@code parent}, empty when absent; its keys checked. */
    public JsonNode section(JsonNode parent, String name, Set<String> keys) {
        JsonNode s = parent.get(name.substring(name.lastIndexOf('.') + 1));
        if (s == null || s.isNull()) {
            return YAML.createObjectNode();
        }
        if (!s.isObject()) {
            throw failure.of(file, name, name + ": in " + where + " is not a mapping but " + s
                    + "; write its keys on the lines below it, indented, such as '  " + new TreeSet<>(keys).first()
                    + ": ...'");
        }
        unknown(s, name + ".", keys);
        return s;
    }

    private void unknown(JsonNode node, String prefix, Set<String> keys) {
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String k = names.next();
            if (!keys.contains(k)) {
                throw failure.of(file, prefix + k, "Unknown key " + prefix + k + " in " + where
                        + "; the keys here are " + String.join(", ", new TreeSet<>(keys)));
            }
        }
    }

    /** The failure for {@code key} holding {@code value}, saying what to use instead. */
    public RuntimeException bad(String key, Object value, String expected) {
        return failure.of(file, key, key + ": " + value + " in " + where + " is not valid; use " + expected);
    }

    /** A failure for {@code key} with the caller's own message. */
    public RuntimeException fail(String key, String message) {
        return failure.of(file, key, message);
    }

    private static JsonNode value(JsonNode section, String key) {
        JsonNode v = section.get(key.substring(key.lastIndexOf('.') + 1));
        return v == null || v.isNull() ? null : v;
    }

    /** True when the key is set to something other than null. */
    public boolean has(JsonNode section, String key) {
        return value(section, key) != null;
    }

    /** A text value, or null when absent. */
    public String textOrNull(JsonNode section, String key) {
        JsonNode v = value(section, key);
        if (v == null) {
            return null;
        }
        if (!v.isValueNode() || v.asText().isBlank()) {
            throw bad(key, v, "a text value");
        }
        return v.asText();
    }

    /** A text value, or {@code fallback} when absent. */
    public String text(JsonNode section, String key, String fallback) {
        String v = textOrNull(section, key);
        return v == null ? fallback : v;
    }

    /** {@code text}, read from {@code key}, as a path. */
    public Path path(String key, String text) {
        try {
            return Path.of(text);
        } catch (InvalidPathException e) {
            throw bad(key, text, "a file path");
        }
    }

    /** A number; YAML 1.1 readers see {@code 2e-4} (no dot) as text, so text that parses as a number is one. */
    public double number(JsonNode section, String key, double fallback) {
        JsonNode v = value(section, key);
        if (v == null) {
            return fallback;
        }
        if (v.isNumber()) {
            return v.asDouble();
        }
        if (v.isTextual()) {
            try {
                return Double.parseDouble(v.asText().strip());
            } catch (NumberFormatException e) {
                // fall through to the error
            }
        }
        throw bad(key, v, "a number");
    }

    /** A number of at least 0. */
    public double nonNegative(JsonNode section, String key, double fallback) {
        double x = number(section, key, fallback);
        if (x < 0) {
            throw bad(key, x, "a number of at least 0");
        }
        return x;
    }

    /** A whole number (written as a number or as digits in text). */
    public int integer(JsonNode section, String key, int fallback) {
        JsonNode v = value(section, key);
        if (v == null) {
            return fallback;
        }
        if (v.isIntegralNumber() && v.canConvertToInt()) {
            return v.asInt();
        }
        if (v.isTextual() && v.asText().strip().matches("-?\\d{1,9}")) {
            return Integer.parseInt(v.asText().strip());
        }
        throw bad(key, v, "a whole number");
    }

    /** A whole number of at least 1. */
    public int positiveInt(JsonNode section, String key, int fallback) {
        int n = integer(section, key, fallback);
        if (n <= 0) {
            throw bad(key, n, "a whole number of at least 1");
        }
        return n;
    }

    /** Seconds in (0, 86400], or [0, 86400] when {@code zeroAllowed}, as a duration. */
    public Duration seconds(JsonNode section, String key, Duration fallback, boolean zeroAllowed) {
        double s = number(section, key, fallback.toMillis() / 1000.0);
        if (s < 0 || (!zeroAllowed && s == 0) || s > 86_400) {
            throw bad(key, s, "seconds in " + (zeroAllowed ? "[0" : "(0") + ", 86400]");
        }
        return Duration.ofMillis(Math.round(s * 1000));
    }

    /** {@code true} or {@code false}. */
    public boolean bool(JsonNode section, String key, boolean fallback) {
        JsonNode v = value(section, key);
        if (v == null) {
            return fallback;
        }
        if (!v.isBoolean()) {
            throw bad(key, v, "true or false");
        }
        return v.asBoolean();
    }

    /** A text value that must be one of {@code allowed}. */
    public String oneOf(JsonNode section, String key, String fallback, List<String> allowed) {
        String v = text(section, key, fallback);
        if (!allowed.contains(v)) {
            throw bad(key, v, "one of " + String.join(", ", allowed));
        }
        return v;
    }

    /**
     * A list of non-blank texts.
     *
     * @param allowEmpty whether {@code []} is accepted
     * @param example what a good list looks like, for the message, such as {@code [q_proj, v_proj]}
     */
    public List<String> textList(JsonNode section, String key, List<String> fallback, boolean allowEmpty,
            String example) {
        JsonNode v = value(section, key);
        if (v == null) {
            return fallback;
        }
        if (!v.isArray() || (!allowEmpty && v.isEmpty())) {
            throw bad(key, v, (allowEmpty ? "a list" : "a non-empty list") + ", such as " + example);
        }
        List<String> out = new ArrayList<>();
        for (JsonNode e : v) {
            if (!e.isTextual() || e.asText().isBlank()) {
                throw bad(key, v, "a list of texts, such as " + example);
            }
            out.add(e.asText());
        }
        return out;
    }
}
