package org.den4j.hub;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.den4j.den.ProgressListener;
import org.den4j.hub.testhub.LocalHub;
import org.den4j.hub.testhub.RecordedRequest;

/** Helpers for tests against a {@link LocalHub}: independent hashes, clients, listings of the cache. */
final class Fixtures {
    private Fixtures() {
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Deterministic pseudo-random bytes. */
    static byte[] bytes(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    static String sha256(byte[] bytes) {
        return digest("SHA-256", bytes, null);
    }

    /** The git blob id: SHA-1 of {@code "blob <size>\0"} followed by the bytes. */
    static String gitSha1(byte[] bytes) {
        return digest("SHA-1", bytes, utf8("blob " + bytes.length + "\0"));
    }

    private static String digest(String algorithm, byte[] bytes, byte[] prefix) {
        try {
            MessageDigest d = MessageDigest.getInstance(algorithm);
            if (prefix != null) {
                d.update(prefix);
            }
            return HexFormat.of().formatHex(d.digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static HubSettings.Builder settings(LocalHub hub, Path cache) {
        return HubSettings.builder(cache).endpoint(hub.baseUrl());
    }

    static HubClient client(LocalHub hub, Path cache) {
        return new HubClient(settings(hub, cache).build());
    }

    static HubClient client(LocalHub hub, Path cache, String token) {
        return new HubClient(settings(hub, cache).token(token).build());
    }

    /** Every path under {@code root} (files, links and folders), relative, sorted, with {@code /}. */
    static List<String> tree(Path root) {
        try (Stream<Path> walk = Files.walk(root)) {
            return new ArrayList<>(new TreeSet<>(walk.filter(p -> !p.equals(root))
                    .map(p -> root.relativize(p).toString().replace('\\', '/')).toList()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The names in a folder, sorted; empty when it does not exist. */
    static List<String> names(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(dir)) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String linkTarget(Path link) {
        try {
            return Files.readSymbolicLink(link).toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The downloads (GETs of file bytes answered 200 or 206) of {@code file}. */
    static List<RecordedRequest> downloadsOf(LocalHub hub, String file) {
        return hub.requests().stream().filter(RecordedRequest::isDownload).filter(r -> file.equals(r.file()))
                .toList();
    }

    /** The downloads of any file. */
    static List<RecordedRequest> downloads(LocalHub hub) {
        return hub.requests().stream().filter(RecordedRequest::isDownload).toList();
    }

    /** A listener that records what it hears. */
    static final class RecordingProgress implements ProgressListener {
        final List<String> starts = new ArrayList<>();
        final List<Long> totals = new ArrayList<>();
        final AtomicLong advanced = new AtomicLong();
        int finishes;

        @Override
        public synchronized void start(String task, long totalBytes) {
            starts.add(task);
            totals.add(totalBytes);
        }

        @Override
        public void advance(long bytes) {
            advanced.addAndGet(bytes);
        }

        @Override
        public synchronized void finish() {
            finishes++;
        }
    }
}
