package org.den4j.den;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One object over every backend of a backends file ({@code DEN4J_BACKENDS_JSON}): each call names the backend it
 * goes to, or none for the file's {@code default_backend}, as medcat-den's multi-backend den takes
 * {@code backend_name=}.
 *
 * <pre>{@code
 * try (Dens dens = Dens.open()) {
 *     dens.push(PushRequest.builder(Path.of("out/coder"), "acme/icd-coder").build(), "team");
 *     List<ModelInfo> mine = dens.list();           // the default backend
 *     Path dir = dens.fetch("acme/icd-coder@1", "team");
 *     Den team = dens.den("team");                   // every other Den call
 * }
 * }</pre>
 *
 * <p>A backend's {@link Den} is opened at its first use (so a backend whose server is down, or whose
 * {@code env:} credential is unset, fails only the calls that name it) and kept until {@link #close()}, which
 * closes every den this object opened. Whoever opens a {@code Dens} closes it; do not close the dens it hands
 * out. Without a backends file it holds the single backend of the {@code DEN4J_*} environment, named
 * {@value BackendSpec#ENVIRONMENT}. Thread-safe. It does not copy models between backends: use
 * {@link Den#sync} or {@link Den#move} on two of its dens for that.
 */
public final class Dens implements AutoCloseable {
    private final Backends backends;
    private final DenConfig base;
    private final ExternalSources sources;
    private final Map<String, Den> opened = new LinkedHashMap<>();
    private boolean closed;

    private Dens(Backends backends, DenConfig base, ExternalSources sources) {
        this.backends = backends;
        this.base = base;
        this.sources = sources;
    }

    /** The backends of the {@code DEN4J_*} environment ({@code DEN4J_BACKENDS_JSON} when set). */
    public static Dens open() {
        return open(DenConfig.fromEnvironment(), System.getenv(), ExternalSources.fromEnvironment());
    }

    /**
     * The backends {@code config} describes: its backends file when it names one, else its single backend;
     * {@code env:NAME} credentials are read from {@code env}.
     *
     * @throws DenConfigException when the backends file is missing or invalid
     */
    public static Dens open(DenConfig config, Map<String, String> env, ExternalSources sources) {
        return new Dens(Backends.of(config, env), config, java.util.Objects.requireNonNull(sources, "sources"));
    }

    /** The backends' names, sorted. */
    public List<String> names() {
        return backends.names();
    }

    /** The backend used when a call names none: the file's {@code default_backend}. */
    public String defaultName() {
        return backends.defaultName();
    }

    /** The backends file, or null when the backends come from the {@code DEN4J_*} environment. */
    public Path file() {
        return backends.file();
    }

    /**
     * The den of a backend, opened now if it is not open yet; null or blank names the default backend. The
     * den stays open until this object is closed; do not close it yourself.
     *
     * @throws DenInputException when no backend has that name (the message lists the names in the file)
     * @throws DenConfigException when the backend cannot be opened (an unset credential, no provider)
     * @throws IllegalStateException when this object is closed
     */
    public synchronized Den den(String backend) {
        if (closed) {
            throw new IllegalStateException("This Dens is closed; open another with Dens.open()");
        }
        String name = backend == null || backend.isBlank() ? backends.defaultName() : backend.trim();
        Den den = opened.get(name);
        if (den == null) {
            if (!backends.names().contains(name)) {
                throw new DenInputException("No backend named '" + name + "'; known backends: "
                        + String.join(", ", backends.names()) + (backends.file() == null
                        ? " (set DEN4J_BACKENDS_JSON to a backends file to name more)" : " (from " + backends.file()
                        + ")"));
            }
            den = Den.open(backends.spec(name), base, sources);
            opened.put(name, den);
        }
        return den;
    }

    /** Every model version of the default backend; see {@link Den#list()}. */
    public List<ModelInfo> list() {
        return list(null);
    }

    /** Every model version of a backend (null: the default); see {@link Den#list()}. */
    public List<ModelInfo> list(String backend) {
        return den(backend).list();
    }

    /** Fetches a model from the default backend; see {@link Den#fetch(String)}. */
    public Path fetch(String ref) {
        return fetch(ref, null);
    }

    /** Fetches a model from a backend (null: the default); see {@link Den#fetch(String)}. */
    public Path fetch(String ref, String backend) {
        return den(backend).fetch(ref);
    }

    /** Pushes a model to the default backend; see {@link Den#push(PushRequest)}. */
    public PushResult push(PushRequest request) {
        return push(request, null);
    }

    /** Pushes a model to a backend (null: the default); see {@link Den#push(PushRequest)}. */
    public PushResult push(PushRequest request, String backend) {
        return den(backend).push(request);
    }

    /** Searches the default backend; see {@link Den#search(RegistryQuery)}. */
    public List<ModelInfo> search(RegistryQuery query) {
        return search(query, null);
    }

    /** Searches a backend (null: the default); see {@link Den#search(RegistryQuery)}. */
    public List<ModelInfo> search(RegistryQuery query, String backend) {
        return den(backend).search(query);
    }

    /** Closes every den this object opened; later calls fail. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        RuntimeException failure = null;
        for (Den den : new ArrayList<>(opened.values())) {
            try {
                den.close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        opened.clear();
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public synchronized String toString() {
        return "Dens" + names() + " default " + defaultName() + ", open " + opened.keySet();
    }
}
