package org.den4j.loop;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.den4j.den.Den;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * The models this process serves, loaded from the den by reference, and the listener that loads a new
 * champion as soon as any process promotes it.
 *
 * <p>A request asks for the label set's champion id (read in its own transaction) and gets the loaded
 * model; a promotion's {@code NOTIFY} (see {@link Training#CHAMPION_CHANNEL}) makes every server load the
 * new champion beside the old one before requests ask for it, so the switch is a map update and no
 * request waits for or fails on a load. Closing stops the listener.
 */
public final class Champions implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Champions.class.getName());
    private static final int KEEP = 8;
    private final LoopDatabase db;
    private final Den den;
    private final Algorithms algorithms;
    private final Map<Long, CompletableFuture<LabelClassifier>> loaded = new ConcurrentHashMap<>();
    private final Map<Long, Long> servedBySet = new ConcurrentHashMap<>();
    private volatile Thread listener;
    private volatile boolean open = true;
    private volatile Consumer<String> onSwap = s -> { };

    /** Champions loaded from {@code den} with {@code algorithms}. */
    public Champions(LoopDatabase db, Den den, Algorithms algorithms) {
        this.db = Objects.requireNonNull(db, "db");
        this.den = Objects.requireNonNull(den, "den");
        this.algorithms = Objects.requireNonNull(algorithms, "algorithms");
    }

    /**
     * The model {@code modelId}, loaded once from the den reference {@code denRef} (concurrent callers wait
     * for the same load).
     */
    public LabelClassifier load(long modelId, String denRef, String algorithm) {
        CompletableFuture<LabelClassifier> f = loaded.computeIfAbsent(modelId, id -> CompletableFuture.supplyAsync(() -> {
            Path folder = den.fetch(denRef);
            return algorithms.get(algorithm).load(folder);
        }));
        try {
            return f.join();
        } catch (CompletionException e) {
            loaded.remove(modelId, f);
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new LoopException("Cannot load model " + denRef + " from the den " + den.location() + ": "
                    + cause.getMessage(), cause);
        } finally {
            trim();
        }
    }

    /** Records that {@code modelId} serves label set {@code setId}; returns the model. */
    LabelClassifier serve(long setId, long modelId, String denRef, String algorithm) {
        LabelClassifier model = load(modelId, denRef, algorithm);
        Long before = servedBySet.put(setId, modelId);
        if (before != null && before != modelId) {
            onSwap.accept(setId + ":" + modelId);
        }
        return model;
    }

    private void trim() {
        if (loaded.size() > KEEP * 4) {
            for (Long id : loaded.keySet()) {
                if (!servedBySet.containsValue(id) && loaded.size() > KEEP) {
                    loaded.remove(id);
                }
            }
        }
    }

    /** Called with {@code set:model} each time a label set's served model changes (for metrics and tests). */
    public void onSwap(Consumer<String> listener) {
        this.onSwap = Objects.requireNonNull(listener, "listener");
    }

    /** Starts listening for promotions on {@link Training#CHAMPION_CHANNEL}; reconnects after failures. */
    public void listen() {
        Thread t = new Thread(this::listenLoop, "den4j-loop-champion-listener");
        t.setDaemon(true);
        listener = t;
        t.start();
    }

    private void listenLoop() {
        while (open) {
            try (Connection c = db.newListenerConnection()) {
                try (Statement s = c.createStatement()) {
                    s.execute("LISTEN " + Training.CHAMPION_CHANNEL);
                }
                PGConnection pg = c.unwrap(PGConnection.class);
                while (open) {
                    PGNotification[] notes = pg.getNotifications(500);
                    if (notes == null) {
                        continue;
                    }
                    for (PGNotification n : notes) {
                        preload(n.getParameter());
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (open) {
                    LOG.log(System.Logger.Level.WARNING, "Champion listener lost its connection (" + e.getMessage()
                            + "); reconnecting");
                    try {
                        Thread.sleep(1000);
                    } catch (InterruptedException ie) {
                        return;
                    }
                }
            }
        }
    }

    /** Loads the champion named by a notification ({@code tenant:set:model}) beside the current one. */
    private void preload(String payload) {
        String[] parts = payload.split(":");
        if (parts.length != 3) {
            return;
        }
        long tenant = Long.parseLong(parts[0]);
        long setId = Long.parseLong(parts[1]);
        long modelId = Long.parseLong(parts[2]);
        try {
            String[] row = db.inTenant(tenant, c -> {
                try (var ps = c.prepareStatement("SELECT den_ref, algorithm FROM models WHERE id = ?")) {
                    ps.setLong(1, modelId);
                    try (var rs = ps.executeQuery()) {
                        return rs.next() ? new String[] {rs.getString(1), rs.getString(2)} : null;
                    }
                }
            });
            if (row != null) {
                serve(setId, modelId, row[0], row[1]);
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "Preloading champion " + payload + " failed: " + e.getMessage());
        }
    }

    /** Stops the listener; loaded models are dropped with this object. */
    @Override
    public void close() {
        open = false;
        Thread t = listener;
        if (t != null) {
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
