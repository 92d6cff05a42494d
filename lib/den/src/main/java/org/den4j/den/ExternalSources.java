package org.den4j.den;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@link ExternalSource}s on the class path, configured by an environment.
 *
 * <pre>{@code
 * try (ExternalSource hub = ExternalSources.fromEnvironment().open("hf")) {
 *     Path dir = hub.fetch("org/name@main", ProgressListener.NONE);
 * }
 * }</pre>
 */
public final class ExternalSources {
    /** A scheme is a letter and at least one more letter, digit, {@code +}, {@code .} or {@code -}. */
    private static final Pattern SCHEME = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]+):(.*)", Pattern.DOTALL);
    /** The modules that provide the schemes den4j knows of, for messages when they are missing. */
    private static final Map<String, String> KNOWN = Map.of("hf", "den4j-hub");

    private final Map<String, String> env;

    private ExternalSources(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    /** Sources configured by the variables of this process. */
    public static ExternalSources fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    /** Sources configured by {@code env} instead of the process environment (for tests and embedding). */
    public static ExternalSources fromEnvironment(Map<String, String> env) {
        return new ExternalSources(env);
    }

    /**
     * The scheme of a reference such as {@code hf:org/name@rev}, lower-cased, or null for a den
     * reference ({@code name@3}, {@code sha256:...}) or a path.
     */
    public static String schemeOf(String ref) {
        if (ref == null) {
            return null;
        }
        Matcher m = SCHEME.matcher(ref.trim());
        if (!m.matches() || m.group(1).equalsIgnoreCase("sha256") || m.group(2).startsWith("\\")) {
            return null;
        }
        return m.group(1).toLowerCase(java.util.Locale.ROOT);
    }

    /** The part of {@code ref} after its {@code scheme:}. */
    public static String pathOf(String ref) {
        String trimmed = ref.trim();
        return trimmed.substring(trimmed.indexOf(':') + 1);
    }

    /** The schemes on the class path. */
    public List<String> schemes() {
        List<String> schemes = new ArrayList<>();
        for (ExternalSource.Provider p : ServiceLoader.load(ExternalSource.Provider.class)) {
            schemes.add(p.scheme());
        }
        return schemes;
    }

    /**
     * Opens the source of {@code scheme}; the caller closes it.
     *
     * @throws DenInputException naming the scheme and the module to add when no provider has it
     */
    public ExternalSource open(String scheme) {
        List<String> known = new ArrayList<>();
        for (ExternalSource.Provider p : ServiceLoader.load(ExternalSource.Provider.class)) {
            if (p.scheme().equalsIgnoreCase(scheme)) {
                return p.open(env);
            }
            known.add(p.scheme() + ":");
        }
        String module = KNOWN.get(scheme.toLowerCase(java.util.Locale.ROOT));
        throw new DenInputException("No source for '" + scheme + ":' references on the class path; "
                + (module != null ? "add the " + module + " module to fetch and import " + scheme + ": models"
                        : "known schemes: " + (known.isEmpty() ? "none" : String.join(", ", known))
                                + "; den references are name, name@VERSION, name@ALIAS or sha256:DIGEST"));
    }
}
