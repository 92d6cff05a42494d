package org.den4j.agent;

import java.nio.file.Path;

/**
 * The static entry that intercepted code calls; it delegates at once to the current {@link Injector}.
 *
 * <p>ByteBuddy advice is inlined into DJL's classes and can only call static methods, so this is the one
 * place with static mutable state. Its methods are public because they are called from other packages.
 */
public final class Hooks {
    private static volatile Injector current;
    private static Injector fallback;

    private Hooks() {
    }

    /** The injector of the agent or of {@link DenInjection#inject}, else one from this JVM's options. */
    public static Injector injector() {
        Injector i = current;
        return i != null ? i : fallback();
    }

    private static synchronized Injector fallback() {
        if (fallback == null) {
            fallback = Injector.of(AgentOptions.fromAgentArguments(null), Thread.currentThread().getContextClassLoader());
        }
        return fallback;
    }

    static Injector current() {
        return current;
    }

    static void set(Injector injector) {
        current = injector;
    }

    /** The den folder for a prefixed path, or {@code path} itself. */
    public static Path path(Path path) {
        if (path == null) {
            return null;
        }
        Path dir = injector().resolve(path.toString());
        return dir == null ? path : dir;
    }

    /** The den folder for a prefixed name, or null when the name goes to its usual place. */
    public static Path folder(String name) {
        return injector().resolve(name);
    }

    /**
     * A DJL model URL list ({@code url1,url2}) with each prefixed entry replaced by its den folder's
     * {@code file:} URL.
     */
    public static String urls(String urls) {
        if (urls == null) {
            return null;
        }
        String[] parts = urls.split(",");
        boolean changed = false;
        for (int i = 0; i < parts.length; i++) {
            Path dir = injector().resolve(parts[i].trim());
            if (dir != null) {
                parts[i] = dir.toUri().toString();
                changed = true;
            }
        }
        return changed ? String.join(",", parts) : urls;
    }
}
