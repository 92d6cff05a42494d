package org.den4j.agent;

import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;
import org.den4j.den.Den;
import org.den4j.den.DenException;
import org.den4j.den.io.FileTree;

/**
 * Decides which names are den references and fetches them: the instance behind the agent's static hook.
 *
 * <p>A name that starts with the prefix is a den reference: the prefix and the slashes after it are
 * removed ({@code den:acme/tiny@1}, {@code den://acme/tiny@1} and {@code Path.of("den://acme/tiny@1")},
 * which prints as {@code den:/acme/tiny@1}, all name {@code acme/tiny@1}), and the
 * mapper may then translate it. A name without the prefix is left alone unless the mapper maps it. With
 * an empty prefix every name is a den reference.
 *
 * <p>The den is opened at the first den reference, so a program that loads no model never opens it.
 * The injector closes the den it opened.
 */
public final class Injector implements AutoCloseable {
    private final AgentOptions options;
    private final Function<String, String> mapper;
    private final Supplier<Den> opener;
    private final boolean ownsDen;
    private final java.util.Set<String> served = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final java.util.Map<Path, String> pendingSaves = new java.util.concurrent.ConcurrentHashMap<>();
    private Den den;

    /**
     * An injector over a den that {@code opener} opens on first use; the injector closes it.
     *
     * @param options the prefix and the other options
     * @param mapper maps names to den references; returns null for names it does not know
     * @param opener opens the den; called at most once
     */
    public Injector(AgentOptions options, Function<String, String> mapper, Supplier<Den> opener) {
        this(options, mapper, opener, true);
    }

    private Injector(AgentOptions options, Function<String, String> mapper, Supplier<Den> opener, boolean ownsDen) {
        this.options = Objects.requireNonNull(options, "options");
        this.mapper = Objects.requireNonNull(mapper, "mapper");
        this.opener = Objects.requireNonNull(opener, "opener");
        this.ownsDen = ownsDen;
    }

    /**
     * An injector over an open den, which stays open when the injector is closed: its opener closes it.
     *
     * @throws IllegalArgumentException when the mapper cannot be loaded
     */
    public static Injector over(Den den, AgentOptions options, ClassLoader loader) {
        Objects.requireNonNull(den, "den");
        return new Injector(options, NameMapper.load(options.mapper(), loader), new Supplier<Den>() {
            @Override
            public Den get() {
                return den;
            }
        }, false);
    }

    /**
     * An injector for {@code options}: the mapper is loaded from {@code loader} and the den is the one the
     * {@code DEN4J_*} environment describes.
     *
     * @throws IllegalArgumentException when the mapper cannot be loaded
     */
    public static Injector of(AgentOptions options, ClassLoader loader) {
        Function<String, String> mapper = NameMapper.load(options.mapper(), loader);
        // an anonymous class, not a lambda: the first lambda costs the agent's start-up tens of milliseconds
        return new Injector(options, mapper, new Supplier<Den>() {
            @Override
            public Den get() {
                return openDen(options);
            }
        });
    }

    /**
     * The den the {@code DEN4J_*} environment describes, or with the {@code backend} option the backend of
     * that name in {@code DEN4J_BACKENDS_JSON}. The agent carries the den's local and {@code http} backends;
     * an {@code s3} den is reached through a den server ({@code den serve}) in front of it.
     */
    private static Den openDen(AgentOptions options) {
        return Den.open(org.den4j.den.DenConfig.fromEnvironment(), options.backend(),
                org.den4j.den.ExternalSources.fromEnvironment());
    }

    /**
     * Gets the den ready without changing anything, so that the program's first den load does not wait for
     * it: when the den the environment describes is a local folder that already exists, opens it and looks
     * at the local copy of one of its models, which runs the code a fetch of a model already here runs
     * (reference parsing, the registry snapshot, the manifest's JSON and SHA-256, size checks). A den that
     * does not exist is not created, and nothing is fetched.
     *
     * <p>The agent runs this on a low-priority daemon thread at start-up. Failures are ignored: the first
     * load does the same work and reports them.
     */
    void warmUp() {
        try {
            org.den4j.den.DenConfig config = org.den4j.den.DenConfig.fromEnvironment();
            // a machine den without DEN4J_PATH may warn about its location: leave that to the first load
            boolean local = config.type() == org.den4j.den.DenType.LOCAL_USER
                    || config.type() == org.den4j.den.DenType.LOCAL_MACHINE && config.path() != null;
            if (options.backend() != null || !local || !java.nio.file.Files.isDirectory(config.localRoot())) {
                return;
            }
            Den opened = den();
            java.util.List<org.den4j.den.ModelInfo> models = opened.list();
            if (models.isEmpty()) {
                opened.has("den4j-agent/warm-up");
            } else {
                opened.localCopy(models.get(models.size() - 1).ref());
            }
        } catch (Exception | LinkageError e) {
            // nothing to do: the first den load does this work again and reports what fails
        }
    }

    /** The options this injector was made with. */
    public AgentOptions options() {
        return options;
    }

    /**
     * The den reference {@code name} stands for, or null when it is not one and must go to disk untouched.
     */
    public String reference(String name) {
        if (name == null || served.contains(name)) {
            // a folder this injector handed out, met again when one intercepted method calls another
            return null;
        }
        String prefix = options.prefix();
        if (prefix.isEmpty() || name.startsWith(prefix)) {
            // Path.of("den://acme/tiny").toString() is "den:/acme/tiny": any slashes after a prefix go
            String bare = prefix.isEmpty() ? stripSlashes(name) : stripLeadingSlashes(name.substring(prefix.length()));
            String mapped = mapper.apply(bare);
            return mapped != null ? stripPrefix(mapped) : bare;
        }
        String mapped = mapper.apply(name);
        return mapped == null ? null : stripPrefix(mapped);
    }

    /**
     * The den's local folder for {@code name}, or null when {@code name} is no den reference.
     *
     * @throws DenLoadException when the den cannot give the model, naming the reference, the den and
     *     the closest names
     */
    public Path resolve(String name) {
        String ref = reference(name);
        return ref == null ? null : fetch(name, ref);
    }

    /**
     * Fetches a den reference.
     *
     * @param name the name as the program wrote it, for messages
     * @param ref the den reference
     * @throws DenLoadException when the den cannot give the model
     */
    public Path fetch(String name, String ref) {
        Den opened;
        try {
            opened = den();
        } catch (DenException | IllegalArgumentException e) {
            throw new DenLoadException(name, ref, "den4j agent: cannot open the den to load '" + name + "': "
                    + e.getMessage(), e);
        }
        try {
            Path folder = opened.fetch(ref);
            served.add(folder.toString());
            served.add(folder.toUri().toString());
            return folder;
        } catch (DenException | IllegalArgumentException e) {
            throw new DenLoadException(name, ref, "den4j agent: cannot load '" + name + "' (den reference " + ref
                    + ") from den " + opened.location() + ": " + e.getMessage(), e);
        }
    }

    /**
     * A fresh temporary folder for a model save when {@code name} starts with the {@code save} prefix, to be
     * pushed by {@link #pushSaved}; null for other names, and always when the {@code save} option is unset.
     *
     * @throws DenLoadException when the name is not a valid den name or no folder can be made
     */
    public Path saveFolder(String name) {
        String prefix = options.save();
        if (prefix == null || name == null || !name.startsWith(prefix)) {
            return null;
        }
        String target = stripSlashes(name.substring(prefix.length()));
        try {
            org.den4j.den.ModelRef.checkName(target);
            Path folder = java.nio.file.Files.createTempDirectory("den4j-save-");
            pendingSaves.put(folder, target);
            return folder;
        } catch (java.io.IOException | DenException | IllegalArgumentException e) {
            throw new DenLoadException(name, target, "den4j agent: cannot save '" + name + "' to the den: "
                    + e.getMessage(), e);
        }
    }

    /**
     * Pushes a folder made by {@link #saveFolder} under its name and removes the folder; does nothing for
     * other folders.
     *
     * @throws DenLoadException when the den refuses the push
     */
    public void pushSaved(Path folder) {
        String target = folder == null ? null : pendingSaves.remove(folder);
        if (target == null) {
            return;
        }
        try {
            org.den4j.den.PushResult result = den().push(org.den4j.den.PushRequest.builder(folder, target).build());
            System.err.println("den4j agent: saved " + result.model().ref() + " in den " + den().location());
        } catch (DenException | IllegalArgumentException e) {
            throw new DenLoadException(target, target, "den4j agent: cannot push the saved model " + target
                    + " to the den: " + e.getMessage(), e);
        } finally {
            FileTree.deleteQuietly(folder);
        }
    }

    private synchronized Den den() {
        if (den == null) {
            den = opener.get();
        }
        return den;
    }

    private String stripPrefix(String mapped) {
        String prefix = options.prefix();
        return !prefix.isEmpty() && mapped.startsWith(prefix) ? stripSlashes(mapped.substring(prefix.length())) : mapped;
    }

    private static String stripLeadingSlashes(String s) {
        int start = 0;
        while (start < s.length() && s.charAt(start) == '/') {
            start++;
        }
        return s.substring(start);
    }

    private static String stripSlashes(String s) {
        return s.startsWith("//") ? s.substring(2) : s;
    }

    /** Closes the den if this injector opened it. */
    @Override
    public synchronized void close() {
        if (den != null && ownsDen) {
            den.close();
        }
        den = null;
    }

    @Override
    public String toString() {
        return "Injector[" + options.toArguments() + "]";
    }
}
