package org.den4j.agent;

import java.nio.file.Path;

/**
 * The static entry that intercepted code calls; it delegates at once to the current {@link Injector}.
 *
 * <p>The entry code that {@link InterceptionPoints} writes into DJL's classes can only call static methods,
 * so this is the one place with static mutable state. Its methods are public because they are called from
 * other packages. A failed den load is rethrown as the exception the intercepted method declares, made
 * through that class's own loader, so the agent never links against DJL.
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

    /**
     * The den folder for a prefixed path, or {@code path} itself.
     *
     * @param caller the intercepted class, whose class loader finds {@code exception}
     * @param exception the exception a failed den load is rethrown as
     */
    public static java.nio.file.Path path(java.nio.file.Path path, Class<?> caller, String exception) {
        if (path == null) {
            return null;
        }
        try {
            java.nio.file.Path dir = injector().resolve(path.toString());
            return dir == null ? path : dir;
        } catch (DenLoadException e) {
            throw rethrow(e, caller, exception);
        }
    }

    /**
     * A DJL model URL list ({@code url1,url2}) with each prefixed entry replaced by its den folder's
     * {@code file:} URL.
     */
    public static String urls(String urls, Class<?> caller, String exception) {
        if (urls == null) {
            return null;
        }
        try {
            String[] parts = urls.split(",");
            boolean changed = false;
            for (int i = 0; i < parts.length; i++) {
                java.nio.file.Path dir = injector().resolve(parts[i].trim());
                if (dir != null) {
                    parts[i] = dir.toUri().toString();
                    changed = true;
                }
            }
            return changed ? String.join(",", parts) : urls;
        } catch (DenLoadException e) {
            throw rethrow(e, caller, exception);
        }
    }

    /**
     * For a prefixed name, the tokenizer that {@code caller.newInstance(Path, Map)} makes from the den
     * folder; null for other names, which then load as usual.
     */
    public static Object tokenizer(String name, java.util.Map<String, String> options, Class<?> caller,
            String exception) {
        java.nio.file.Path folder;
        try {
            folder = injector().resolve(name);
        } catch (DenLoadException e) {
            throw rethrow(e, caller, exception);
        }
        if (folder == null) {
            return null;
        }
        try {
            return caller.getMethod("newInstance", java.nio.file.Path.class, java.util.Map.class)
                    .invoke(null, folder, options == null ? java.util.Map.of() : options);
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw Hooks.<RuntimeException>sneaky(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("den4j agent: " + caller.getName() + " has no newInstance(Path, Map) "
                    + "to load " + folder + ": " + e, e);
        }
    }

    /**
     * Where a model save should write: a fresh temporary folder when {@code path} carries the {@code save}
     * prefix, else {@code path} itself.
     */
    public static java.nio.file.Path saveTo(java.nio.file.Path path, Class<?> caller, String exception) {
        if (path == null) {
            return null;
        }
        try {
            java.nio.file.Path folder = injector().saveFolder(path.toString());
            return folder == null ? path : folder;
        } catch (DenLoadException e) {
            throw rethrow(e, caller, exception);
        }
    }

    /** After a save returned: pushes {@code folder} to the den when {@link #saveTo} made it. */
    public static void saved(java.nio.file.Path folder, String modelName, Class<?> caller, String exception) {
        try {
            injector().pushSaved(folder);
        } catch (DenLoadException e) {
            throw rethrow(e, caller, exception);
        }
    }

    /** {@code e}'s message as {@code exception}, found through the intercepted class's loader. */
    private static RuntimeException rethrow(DenLoadException e, Class<?> caller, String exception) {
        Throwable t;
        try {
            t = (Throwable) Class.forName(exception, false, caller.getClassLoader())
                    .getConstructor(String.class, Throwable.class).newInstance(e.getMessage(), e);
        } catch (ReflectiveOperationException | LinkageError | ClassCastException notFound) {
            t = new IllegalArgumentException(e.getMessage(), e);
        }
        throw Hooks.<RuntimeException>sneaky(t);
    }

    /** Throws a checked exception that the intercepted method declares but this method cannot. */
    @SuppressWarnings("unchecked")
    private static <T extends Throwable> T sneaky(Throwable t) throws T {
        throw (T) t;
    }
}
