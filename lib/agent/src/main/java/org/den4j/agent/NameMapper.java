package org.den4j.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Reader;
import java.lang.reflect.InvocationTargetException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;

/** Loads the {@code mapper} option: a names-to-references table from a file, or a function class. */
final class NameMapper {
    private NameMapper() {
    }

    /** A mapper that maps nothing. */
    static Function<String, String> none() {
        return None.INSTANCE;
    }

    /** A class rather than a lambda: the first lambda costs the agent's start-up tens of milliseconds. */
    private static final class None implements Function<String, String> {
        static final None INSTANCE = new None();

        @Override
        public String apply(String name) {
            return null;
        }
    }

    /**
     * Loads a mapper: a {@code .properties} or {@code .json} file, else a class implementing
     * {@code Function<String,String>} loaded from {@code loader}.
     *
     * @throws IllegalArgumentException naming the option's value when it cannot be loaded
     */
    @SuppressWarnings("unchecked")
    static Function<String, String> load(String spec, ClassLoader loader) {
        if (spec == null) {
            return none();
        }
        String lower = spec.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".properties") || lower.endsWith(".json")) {
            Map<String, String> table = lower.endsWith(".json") ? readJson(Path.of(spec)) : readProperties(Path.of(spec));
            return table::get;
        }
        try {
            Class<?> type = Class.forName(spec, true, loader);
            Object instance = type.getDeclaredConstructor().newInstance();
            if (!(instance instanceof Function)) {
                throw new IllegalArgumentException("den4j agent mapper " + spec + " does not implement "
                        + "java.util.function.Function<String,String>");
            }
            return (Function<String, String>) instance;
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("den4j agent mapper " + spec + " is neither a .properties or .json "
                    + "file nor a class on the class path; pass a file path or a class name", e);
        } catch (NoSuchMethodException | InstantiationException | IllegalAccessException
                | InvocationTargetException e) {
            throw new IllegalArgumentException("den4j agent mapper " + spec + " cannot be created through a public "
                    + "no-argument constructor: " + e, e);
        }
    }

    private static Map<String, String> readProperties(Path file) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new IllegalArgumentException("den4j agent mapper file " + file + " cannot be read: " + e, e);
        }
        Map<String, String> table = new HashMap<>();
        for (String name : p.stringPropertyNames()) {
            table.put(name, p.getProperty(name).trim());
        }
        return table;
    }

    private static Map<String, String> readJson(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException("den4j agent mapper file " + file + " cannot be read: " + e, e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("den4j agent mapper file " + file + " is not a JSON object; write "
                    + "{\"name\": \"org/model@version\", ...}");
        }
        Map<String, String> table = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw new IllegalArgumentException("den4j agent mapper file " + file + ": the value of \"" + e.getKey()
                        + "\" is not a string; map each name to a den reference such as \"org/model@1\"");
            }
            table.put(e.getKey(), e.getValue().asText().trim());
        }
        return table;
    }
}
