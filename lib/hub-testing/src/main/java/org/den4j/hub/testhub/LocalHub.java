package org.den4j.hub.testhub;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HexFormat;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A loopback server that behaves like huggingface.co for the model repositories its caller
 * creates: revision info, paginated tree listings, {@code resolve} downloads with the Hub's
 * headers, LFS files redirected to a second "CDN" host, {@code Range} requests, the Hub's error
 * codes, gated and private repositories, and injected faults.
 *
 * <p>It is a test and demo peer for clients that speak the Hub protocol, not a production server:
 * it keeps everything in memory (file contents as given, or read from the files named), knows
 * only model repositories, answers only {@code GET} and {@code HEAD} (and the read-only
 * {@code POST} of {@code paths-info}; no uploads over HTTP), gives no security scan results, and
 * binds to the loopback interface. Whoever starts it closes it; {@link #close()} stops both hosts.
 * Starting one sets the system property {@code sun.net.httpserver.nodelay=true} (unless it is
 * set already), which turns off Nagle's algorithm for the JDK's HTTP server in this JVM.
 *
 * <pre>
 * try (LocalHub hub = LocalHub.start()) {
 *     hub.createRepo("acme/tiny");
 *     String v1 = hub.commit("acme/tiny", "main", Map.of(
 *             "config.json", "{}".getBytes(UTF_8),
 *             "model.safetensors", weights), LfsRule.DEFAULT);
 *     hub.createTag("acme/tiny", "v1", v1);
 *     // point a client at hub.baseUrl(), as HF_ENDPOINT
 * }
 * </pre>
 *
 * <p>What the hub answers (paths as on huggingface.co; repository ids are {@code name} or
 * {@code org/name}; a revision is a branch, a tag or a 40-hex commit id, percent-encoded when it
 * holds a slash):
 * <ul>
 *   <li>{@code GET /api/models/{repo}} and {@code /api/models/{repo}/revision/{rev}}: JSON with
 *       {@code id}, {@code sha}, {@code siblings[].rfilename} ({@code ?blobs=true} adds
 *       {@code size}, {@code blobId}, {@code lfs.{size,sha256,pointerSize}}), {@code private},
 *       {@code gated}, {@code lastModified}, {@code cardData} and {@code tags} from the README's
 *       front matter, {@code config} from {@code config.json}; {@code ?expand=...} keeps only the
 *       properties named.
 *   <li>{@code GET /api/models/{repo}/tree/{rev}[/{path}]?recursive=true}: a JSON array of
 *       {@code {type, oid, size, path, lfs?}} ({@code ?expand=true} adds {@code lastCommit}),
 *       paginated by {@link Builder#treePageSize(int)} with a
 *       {@code Link: <absolute url>; rel="next"} header.
 *   <li>{@code GET /api/models/{repo}/refs}: branches and tags.
 *   <li>{@code POST /api/models/{repo}/paths-info/{rev}}: the tree entries of the paths named in a
 *       JSON body {@code {"paths": [...], "expand": true}} or form fields {@code paths=...}.
 *   <li>{@code HEAD|GET /{repo}/resolve/{rev}/{path}}: a Git file answers 200 with
 *       {@code ETag: "<git blob sha1>"}, {@code X-Repo-Commit}, {@code Content-Length}; an LFS
 *       file answers 302 to the CDN host with {@code X-Linked-Etag: "<sha256>"},
 *       {@code X-Linked-Size}, {@code X-Repo-Commit} (its own {@code ETag} is the redirect's, not
 *       the file's). The CDN rejects a request that carries {@code Authorization} with 400, as
 *       S3 does for a pre-signed URL.
 *   <li>Errors carry {@code X-Error-Code} ({@code RepoNotFound}: 401 without a token, 404 with
 *       one; {@code RevisionNotFound}, {@code EntryNotFound}: 404, the latter with
 *       {@code X-Repo-Commit}; {@code GatedRepo}: 401 without a token, 403 with a token not
 *       granted), {@code X-Error-Message} and a JSON {@code {"error": ...}} body. A token the hub
 *       does not know answers 401 "Invalid credentials in Authorization header" on every path.
 * </ul>
 *
 * <p>Like huggingface.co, a new repository starts with one commit holding the Hub's default
 * {@code .gitattributes}. Commit ids are Git's own (the same files, messages and order of calls
 * give the same ids on every run), and blob and tree ids match {@code git hash-object} and
 * {@code git write-tree}.
 */
public final class LocalHub implements AutoCloseable {

    private static final String AUTHOR = "LocalHub <localhub@den4j.invalid>";
    /** Commits are dated from 2024-01-01T00:00:00Z, one minute apart, so ids repeat across runs. */
    private static final long FIRST_COMMIT_SECONDS = 1_704_067_200L;
    private static final Pattern REPO_ID =
            Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,95}(/[A-Za-z0-9][A-Za-z0-9._-]{0,95})?");
    private static final int DEFAULT_TREE_PAGE_SIZE = 1000;
    private static final String NODELAY = "sun.net.httpserver.nodelay";
    /** The request log keeps this many entries, so a long-running demo hub stays small. */
    private static final int LOG_LIMIT = 100_000;

    final ObjectMapper json = new ObjectMapper();
    final Faults faults = new Faults();
    final int treePageSize;
    final boolean resolveCache;

    private final Object lock = new Object();
    private final Map<String, Repo> repos = new TreeMap<>();
    private final Map<String, String> renamed = new HashMap<>();
    private final Set<String> tokens = new HashSet<>();
    private final Map<String, Content> lfsObjects = new HashMap<>();
    private final Deque<Logged> requests = new ArrayDeque<>();
    private final AtomicLong requestIds = new AtomicLong();
    private final byte[] signingKey = new byte[32];
    private final ExecutorService executor;
    private final HttpServer hubServer;
    private final HttpServer cdnServer;
    private long nextCommitSeconds = FIRST_COMMIT_SECONDS;
    private volatile boolean cdnSawAuthorization;
    private volatile long bytesPerSecond;

    private LocalHub(Builder builder) throws IOException {
        this.treePageSize = builder.treePageSize;
        this.resolveCache = builder.resolveCache;
        new SecureRandom().nextBytes(signingKey);
        AtomicInteger threads = new AtomicInteger();
        ThreadFactory factory = task -> {
            Thread thread = new Thread(task, "LocalHub-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
        // A cached pool: every open download gets a thread, so slow readers never starve others.
        this.executor = Executors.newCachedThreadPool(factory);
        // The JDK server leaves Nagle's algorithm on unless told otherwise; with delayed ACKs
        // that costs ~40 ms per small response. The setting is read once, when the JVM's first
        // HttpServer starts, so a value the user set wins.
        if (System.getProperty(NODELAY) == null) {
            System.setProperty(NODELAY, "true");
        }
        InetAddress loopback = InetAddress.getLoopbackAddress();
        HttpServer hub = null;
        HttpServer cdn = null;
        try {
            hub = HttpServer.create(new InetSocketAddress(loopback, builder.port), 64);
            cdn = HttpServer.create(new InetSocketAddress(loopback, 0), 64);
        } catch (IOException e) {
            if (hub != null) {
                hub.stop(0);
            }
            executor.shutdownNow();
            throw new IOException("LocalHub could not bind a loopback port"
                    + (builder.port == 0 ? "" : " " + builder.port) + ": " + e.getMessage(), e);
        }
        hub.createContext("/", new HubHandler(this));
        cdn.createContext("/", new CdnHandler(this));
        hub.setExecutor(executor);
        cdn.setExecutor(executor);
        hub.start();
        cdn.start();
        this.hubServer = hub;
        this.cdnServer = cdn;
    }

    /**
     * Starts a hub with the default settings on free loopback ports.
     *
     * @throws UncheckedIOException when no loopback port can be bound
     */
    public static LocalHub start() {
        return builder().start();
    }

    /** Settings for a hub; {@link Builder#start()} starts it. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts a hub that serves every {@code org/name} folder two levels under {@code root} as
     * the repository {@code org/name}, with the folder's files in one commit on {@code main}
     * (LFS as {@link LfsRule#DEFAULT} decides). Files are read from disk when served, not
     * copied: leave them unchanged while the hub runs.
     *
     * @throws UncheckedIOException when {@code root} cannot be read or no port can be bound
     */
    public static LocalHub serveDirectory(Path root) {
        return builder().start().serve(root);
    }

    /** Adds the {@code org/name} folders under {@code root} as repositories; returns this hub. */
    private LocalHub serve(Path root) {
        try (Stream<Path> orgs = Files.list(root)) {
            for (Path org : orgs.filter(Files::isDirectory).sorted().toList()) {
                try (Stream<Path> names = Files.list(org)) {
                    for (Path folder : names.filter(Files::isDirectory).sorted().toList()) {
                        String repoId = org.getFileName() + "/" + folder.getFileName();
                        if (!org.getFileName().toString().startsWith(".")
                                && REPO_ID.matcher(repoId).matches()) {
                            createRepo(repoId);
                            commitDirectory(repoId, "main", folder, LfsRule.DEFAULT);
                        }
                    }
                }
            }
        } catch (IOException e) {
            close();
            throw new UncheckedIOException("LocalHub could not read " + root, e);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        return this;
    }

    /** The Hub's address, such as {@code http://127.0.0.1:41234}: what {@code HF_ENDPOINT} holds. */
    public String baseUrl() {
        return "http://127.0.0.1:" + hubServer.getAddress().getPort();
    }

    /** The CDN host's address, where LFS downloads are redirected; another port, so another host. */
    public String cdnUrl() {
        return "http://127.0.0.1:" + cdnServer.getAddress().getPort();
    }

    /**
     * Creates a model repository with the Hub's first commit: a default {@code .gitattributes}
     * on branch {@code main}.
     *
     * @return the first commit's id
     * @throws IllegalArgumentException when {@code repoId} is not {@code name} or
     *     {@code org/name} of letters, digits, {@code .}, {@code _} and {@code -}
     * @throws IllegalStateException when the repository exists already
     */
    public String createRepo(String repoId) {
        checkRepoId(repoId);
        Blob gitattributes = Blob.of(new Content.Bytes(Gitattributes.defaultFile()), false);
        synchronized (lock) {
            if (repos.containsKey(repoId)) {
                throw new IllegalStateException("repository " + repoId
                        + " already exists on this LocalHub; commit to it instead");
            }
            Repo repo = new Repo(repoId);
            repo.createdEpochSeconds = nextCommitSeconds;
            repos.put(repoId, repo);
            renamed.remove(repoId);
            SortedMap<String, Blob> files = new TreeMap<>();
            files.put(".gitattributes", gitattributes);
            return record(repo, "main", null, files, "initial commit");
        }
    }

    /**
     * Commits files held in memory onto {@code branch}: they are added to, or replace, the
     * files of the branch's last commit.
     *
     * @param files content by slash-separated path relative to the repository root; the arrays
     *     are copied
     * @param lfs which of the files Git LFS stores
     * @return the new commit's id
     * @throws IllegalArgumentException when the repository or branch does not exist, or a path
     *     is empty, absolute, holds {@code .} or {@code ..} segments, or clashes with a folder
     */
    public String commit(String repoId, String branch, Map<String, byte[]> files, LfsRule lfs) {
        Map<String, Content> contents = new LinkedHashMap<>();
        files.forEach((path, bytes) -> contents.put(path, new Content.Bytes(bytes.clone())));
        return commitContents(repoId, branch, contents, lfs);
    }

    /** Commits files held in memory, choosing LFS files by {@link LfsRule#DEFAULT}. */
    public String commit(String repoId, String branch, Map<String, byte[]> files) {
        return commit(repoId, branch, files, LfsRule.DEFAULT);
    }

    /**
     * Commits files that stay on disk: they are hashed now and read again each time they are
     * served, so they must not change while the hub runs. This is how large files (a benchmark's
     * gigabyte) are served without holding them in memory.
     *
     * @param files the file on disk by slash-separated path relative to the repository root
     * @return the new commit's id
     * @throws IllegalArgumentException as {@link #commit(String, String, Map, LfsRule)} does, or
     *     when a file is not a regular file
     * @throws UncheckedIOException when a file cannot be read
     */
    public String commitFiles(String repoId, String branch, Map<String, Path> files, LfsRule lfs) {
        Map<String, Content> contents = new LinkedHashMap<>();
        files.forEach((path, file) -> {
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException(file + " is not a regular file; commitFiles"
                        + " serves files from disk");
            }
            try {
                contents.put(path, new Content.File(file, Files.size(file)));
            } catch (IOException e) {
                throw new UncheckedIOException("LocalHub could not read " + file, e);
            }
        });
        return commitContents(repoId, branch, contents, lfs);
    }

    /**
     * Commits every regular file under {@code folder} (paths relative to it, a {@code .git}
     * folder skipped) as {@link #commitFiles} does.
     *
     * @return the new commit's id
     */
    public String commitDirectory(String repoId, String branch, Path folder, LfsRule lfs) {
        Map<String, Path> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(folder)) {
            walk.filter(Files::isRegularFile).forEach(file -> {
                String path = folder.relativize(file).toString().replace('\\', '/');
                if (!path.equals(".git") && !path.startsWith(".git/")) {
                    files.put(path, file);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("LocalHub could not list " + folder, e);
        }
        return commitFiles(repoId, branch, files, lfs);
    }

    /**
     * Commits the removal of files from {@code branch}.
     *
     * @return the new commit's id
     * @throws IllegalArgumentException when the repository, branch or one of the files does not
     *     exist
     */
    public String deleteFiles(String repoId, String branch, Collection<String> paths) {
        synchronized (lock) {
            Repo repo = repo(repoId);
            Commit head = head(repo, branch);
            SortedMap<String, Blob> files = new TreeMap<>(head.files());
            for (String path : paths) {
                if (files.remove(path) == null) {
                    throw new IllegalArgumentException("no file " + path + " in " + repoId + " at "
                            + branch + "; it has " + head.files().keySet());
                }
            }
            return record(repo, branch, head.sha(), files, "Delete " + paths.size() + " files");
        }
    }

    /**
     * Creates a branch at the commit {@code fromRevision} names.
     *
     * @throws IllegalArgumentException when the repository or revision does not exist, or the
     *     branch does
     */
    public void createBranch(String repoId, String branch, String fromRevision) {
        synchronized (lock) {
            Repo repo = repo(repoId);
            checkRefName(repo, branch);
            repo.branches.put(branch, resolve(repo, fromRevision).sha());
        }
    }

    /**
     * Creates a tag at the commit {@code revision} names.
     *
     * @throws IllegalArgumentException when the repository or revision does not exist, or the
     *     tag does
     */
    public void createTag(String repoId, String tag, String revision) {
        synchronized (lock) {
            Repo repo = repo(repoId);
            checkRefName(repo, tag);
            repo.tags.put(tag, resolve(repo, revision).sha());
        }
    }

    /**
     * The commit id a branch, tag or commit id names in a repository.
     *
     * @throws IllegalArgumentException when the repository or revision does not exist
     */
    public String resolve(String repoId, String revision) {
        synchronized (lock) {
            return resolve(repo(repoId), revision).sha();
        }
    }

    /**
     * Makes a repository gated: its metadata and listings stay public, as on huggingface.co, but
     * downloads need one of {@code grantedTokens} (401 {@code GatedRepo} without a token, 403
     * with a token not granted). The tokens become known to the hub.
     */
    public void gate(String repoId, String... grantedTokens) {
        synchronized (lock) {
            repo(repoId).gatedFor = Repo.tokens(grantedTokens);
            tokens.addAll(List.of(grantedTokens));
        }
    }

    /**
     * Makes a repository private: without one of {@code readerTokens} every request about it
     * answers {@code RepoNotFound}, as for a repository that does not exist. The tokens become
     * known to the hub.
     */
    public void makePrivate(String repoId, String... readerTokens) {
        synchronized (lock) {
            repo(repoId).privateFor = Repo.tokens(readerTokens);
            tokens.addAll(List.of(readerTokens));
        }
    }

    /**
     * Makes {@code token} a valid user token with no special access. Requests with a token the
     * hub does not know answer 401 "Invalid credentials in Authorization header".
     */
    public void registerToken(String token) {
        Objects.requireNonNull(token, "token");
        synchronized (lock) {
            tokens.add(token);
        }
    }

    /**
     * Renames a repository; requests for the old id answer 307 with a relative
     * {@code Location} under the new id, as the Hub does after a rename.
     *
     * @throws IllegalArgumentException when {@code from} does not exist or {@code to} does
     */
    public void renameRepo(String from, String to) {
        checkRepoId(to);
        synchronized (lock) {
            Repo repo = repo(from);
            if (repos.containsKey(to)) {
                throw new IllegalArgumentException("cannot rename " + from + " to " + to
                        + ": that repository exists");
            }
            repos.remove(from);
            Repo moved = new Repo(to);
            moved.branches.putAll(repo.branches);
            moved.tags.putAll(repo.tags);
            moved.commits.putAll(repo.commits);
            moved.gatedFor = repo.gatedFor;
            moved.privateFor = repo.privateFor;
            moved.createdEpochSeconds = repo.createdEpochSeconds;
            repos.put(to, moved);
            renamed.put(from, to);
            renamed.replaceAll((old, now) -> now.equals(from) ? to : now);
        }
    }

    /**
     * Makes the next download of {@code path} (in any repository) drop its connection after
     * {@code afterBytes} body bytes, while its headers announce the whole length. Each call
     * arms one download; the download that follows (a resume) is served normally.
     */
    public void failNextDownload(String path, long afterBytes) {
        faults.dropNext(null, path, afterBytes);
    }

    /** As {@link #failNextDownload(String, long)}, for {@code path} in one repository only. */
    public void failNextDownload(String repoId, String path, long afterBytes) {
        faults.dropNext(Objects.requireNonNull(repoId, "repoId"), path, afterBytes);
    }

    /**
     * Serves {@code path} (in any repository) with every byte inverted from now on, under the
     * right headers ({@code ETag}, {@code X-Linked-Etag}, length), until {@link #clearFaults()}.
     */
    public void corrupt(String path) {
        faults.corrupt(null, path);
    }

    /** As {@link #corrupt(String)}, for {@code path} in one repository only. */
    public void corrupt(String repoId, String path) {
        faults.corrupt(Objects.requireNonNull(repoId, "repoId"), path);
    }

    /**
     * A hostile Hub: from now on every revision answer ({@code sha}) and every {@code X-Repo-Commit}
     * header names {@code value} instead of the real commit (an absolute path, {@code ../../x}, a
     * local folder...), until {@link #clearFaults()}. Tree listings are still served for the real
     * commits, so a client that trusts the value sees an empty tree.
     */
    public void sendCommitId(String value) {
        faults.sendCommitId(Objects.requireNonNull(value, "value"));
    }

    /**
     * A hostile Hub: tree listings and the {@code X-Linked-Etag} of {@code path} (an LFS file, in
     * any repository) name {@code value} as its LFS oid, such as a path to a local file, until
     * {@link #clearFaults()}. The bytes served stay the real ones.
     */
    public void sendLfsOid(String path, String value) {
        faults.sendLfsOid(path, Objects.requireNonNull(value, "value"));
    }

    /**
     * A hostile or broken server: every download of {@code path} (in any repository) announces the
     * whole length, ignores {@code Range} (answers 200 from byte 0) and closes the connection after
     * {@code afterBytes} body bytes, until {@link #clearFaults()}. A client that counts each
     * restart as progress never gives up.
     */
    public void truncateIgnoringRange(String path, long afterBytes) {
        faults.truncate(path, afterBytes);
    }

    /**
     * A hostile Hub: revision answers and tree listings are JSON that never ends (a list that
     * grows until the client closes the connection, or 4 GiB), until {@link #clearFaults()}.
     */
    public void sendEndlessJson() {
        faults.sendEndlessJson(true);
    }

    /**
     * Makes the next download of {@code path} (in any repository) whose {@code Range} starts at
     * {@code rangeStart} drop its connection after {@code afterBytes} body bytes: one range of a
     * parallel download fails while the others are served. Each call arms one download.
     */
    public void failNextRange(String path, long rangeStart, long afterBytes) {
        faults.dropNextRange(path, rangeStart, afterBytes);
    }

    /**
     * Serves {@code path} (in any repository) with the one byte at {@code offset} inverted from
     * now on, under the right headers, until {@link #clearFaults()}.
     */
    public void corruptByte(String path, long offset) {
        faults.corruptByte(path, offset);
    }

    /**
     * A server without range support: from now on every download answers 200 with the whole
     * file from byte 0, ignoring {@code Range}, and sends no {@code Accept-Ranges}, until
     * {@link #clearFaults()}.
     */
    public void ignoreRanges() {
        faults.ignoreRanges(true);
    }

    /**
     * Paces every file download's body to at most {@code bytesPerSecond} per connection (0, the
     * default, for no limit), as a remote server or a congested link would. On loopback every
     * connection is otherwise as fast as memory, so this is what makes parallel connections
     * measurable; it is a setting, not a fault, and {@link #clearFaults()} leaves it.
     */
    public void throttlePerConnection(long bytesPerSecond) {
        if (bytesPerSecond < 0) {
            throw new IllegalArgumentException("bytesPerSecond must be 0 (no limit) or more, was "
                    + bytesPerSecond);
        }
        this.bytesPerSecond = bytesPerSecond;
    }

    /** Forgets armed connection drops, corrupted files and hostile answers. */
    public void clearFaults() {
        faults.clear();
    }

    /**
     * Every request both hosts received, oldest first (the last 100,000). A request still being
     * answered is waited for (up to two seconds in all), so that a client that has just read a
     * whole response finds it here.
     */
    public List<RecordedRequest> requests() {
        List<Logged> logged;
        synchronized (requests) {
            logged = List.copyOf(requests);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        List<RecordedRequest> out = new ArrayList<>(logged.size());
        for (Logged entry : logged) {
            try {
                entry.done.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            out.add(entry.toRecord());
        }
        return out;
    }

    /** Forgets the recorded requests. */
    public void clearRequests() {
        synchronized (requests) {
            requests.clear();
        }
    }

    /**
     * Whether the CDN host ever received an {@code Authorization} header (it answers such
     * requests 400, as S3 answers a pre-signed URL that also carries one).
     */
    public boolean cdnSawAuthorization() {
        return cdnSawAuthorization;
    }

    /** Stops both hosts at once, dropping open connections. */
    @Override
    public void close() {
        hubServer.stop(0);
        cdnServer.stop(0);
        executor.shutdownNow();
    }

    /**
     * Serves the {@code org/name} folders under a directory until the process is killed.
     *
     * <pre>
     * java -cp 'den4j-hub.jar:lib/*' org.den4j.hub.testhub.LocalHub DIR [--port N] [--page-size N]
     * </pre>
     */
    public static void main(String[] args) throws InterruptedException {
        PrintStream out = System.out;
        Path root = null;
        Builder builder = builder();
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--port" -> builder.port(Integer.parseInt(args[++i]));
                    case "--page-size" -> builder.treePageSize(Integer.parseInt(args[++i]));
                    default -> root = Path.of(args[i]);
                }
            }
        } catch (RuntimeException e) {
            root = null;
        }
        if (root == null || !Files.isDirectory(root)) {
            System.err.println("usage: LocalHub DIR [--port N] [--page-size N]\n"
                    + "Serves each DIR/org/name folder as the Hub repository org/name"
                    + " (a test and demo server, not for production).");
            System.exit(2);
            return;
        }
        LocalHub hub = builder.start().serve(root);
        Runtime.getRuntime().addShutdownHook(new Thread(hub::close));
        List<String> ids;
        synchronized (hub.lock) {
            ids = List.copyOf(hub.repos.keySet());
        }
        out.println("LocalHub serving " + ids.size() + " repositories from " + root + ": " + ids);
        out.println("export HF_ENDPOINT=" + hub.baseUrl());
        out.flush();
        Thread.currentThread().join();
    }

    // ---- used by the handlers ----

    /** What a request may see of a repository, copied under the lock. */
    record RepoView(String id, boolean gated, Set<String> gatedFor, boolean isPrivate,
            Set<String> privateFor, Map<String, String> branches, Map<String, String> tags,
            Commit commit, long createdEpochSeconds, Map<String, Commit> commits) {

        /**
         * The newest commit, from {@link #commit()} back, that changed {@code path} (a file, or
         * anything under a folder): what the Hub reports as an entry's {@code lastCommit}.
         */
        Commit lastChange(String path) {
            Commit current = commit;
            while (current.parent() != null) {
                Commit parent = commits.get(current.parent());
                if (!Objects.equals(idOf(current, path), idOf(parent, path))) {
                    return current;
                }
                current = parent;
            }
            return current;
        }

        private static String idOf(Commit commit, String path) {
            Blob blob = commit.files().get(path);
            return blob != null ? blob.gitId() : commit.trees().get(path);
        }
    }

    /** The repository {@code id} at {@code revision} ({@code commit} null when it names none). */
    RepoView view(String id, String revision) {
        synchronized (lock) {
            Repo repo = repos.get(id);
            if (repo == null) {
                return null;
            }
            return new RepoView(repo.id, repo.isGated(),
                    repo.isGated() ? Set.copyOf(repo.gatedFor) : Set.of(), repo.isPrivate(),
                    repo.isPrivate() ? Set.copyOf(repo.privateFor) : Set.of(),
                    Map.copyOf(repo.branches), Map.copyOf(repo.tags),
                    revision == null ? null : repo.resolve(revision), repo.createdEpochSeconds,
                    Map.copyOf(repo.commits));
        }
    }

    String renamedTo(String id) {
        synchronized (lock) {
            return renamed.get(id);
        }
    }

    boolean knowsToken(String token) {
        synchronized (lock) {
            return tokens.contains(token);
        }
    }

    Content lfsObject(String sha256) {
        synchronized (lock) {
            return lfsObjects.get(sha256);
        }
    }

    /** Answers a download of a file's bytes with the faults and pacing in force. */
    void serveContent(HttpExchange exchange, Reply reply, String repoId, String path,
            Content content, String contentType) throws IOException {
        long truncate = faults.truncation(path);
        long start = Reply.rangeStart(exchange.getRequestHeaders().getFirst("Range"), content.size());
        long drop = reply.isHead() ? -1 : truncate >= 0 ? truncate : faults.takeDrop(repoId, path, start);
        reply.content(content, contentType, drop, faults.isCorrupt(repoId, path),
                truncate >= 0 || faults.ignoresRanges(), faults.corruptByteOf(path), bytesPerSecond);
    }

    void sawCdnAuthorization() {
        cdnSawAuthorization = true;
    }

    String nextRequestId() {
        return String.format("Root=1-%08x-%024x", FIRST_COMMIT_SECONDS, requestIds.incrementAndGet());
    }

    /** The pre-signed CDN address of an LFS file, valid for an hour. */
    String cdnLocation(String repoId, String path, Blob blob, String disposition) {
        long expires = System.currentTimeMillis() / 1000 + 3600;
        String repoKey = GitObjects.sha1(repoId.getBytes(StandardCharsets.UTF_8));
        return cdnUrl() + "/repos/" + repoKey.substring(0, 2) + "/" + repoKey.substring(2, 4) + "/"
                + repoKey + "/" + blob.sha256()
                + "?response-content-disposition=" + Urls.encode(disposition)
                + "&x-repo=" + Urls.encode(repoId) + "&x-path=" + Urls.encode(path)
                + "&Expires=" + expires
                + "&Signature=" + signature(blob.sha256(), repoId, path, expires);
    }

    String signature(String sha256, String repoId, String path, long expires) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(signingKey, "HmacSHA256"));
            String text = sha256 + "\n" + repoId + "\n" + path + "\n" + expires;
            return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
        }
    }

    /** Logs a request as it arrives; the handler calls {@link Logged#finish()} when done. */
    Logged log(String server, HttpExchange exchange, Reply reply) {
        Logged entry = new Logged(server, exchange.getRequestMethod(),
                exchange.getRequestURI().getRawPath(), exchange.getRequestURI().getRawQuery(),
                Map.copyOf(exchange.getRequestHeaders()), reply);
        synchronized (requests) {
            requests.add(entry);
            if (requests.size() > LOG_LIMIT) {
                requests.removeFirst();
            }
        }
        return entry;
    }

    /** A logged request; its answer's status and byte count are taken when it is done. */
    static final class Logged {
        private final String server;
        private final String method;
        private final String path;
        private final String query;
        private final Map<String, List<String>> headers;
        private final CountDownLatch done = new CountDownLatch(1);
        /** The answer while it is written; dropped when done, so the exchange can be collected. */
        private volatile Reply reply;
        private volatile RecordedRequest finished;

        Logged(String server, String method, String path, String query,
                Map<String, List<String>> headers, Reply reply) {
            this.server = server;
            this.method = method;
            this.path = path;
            this.query = query;
            this.headers = headers;
            this.reply = reply;
        }

        void finish() {
            finished = snapshot(reply);
            reply = null;
            done.countDown();
        }

        RecordedRequest toRecord() {
            RecordedRequest record = finished;
            return record != null ? record : snapshot(reply);
        }

        private RecordedRequest snapshot(Reply answer) {
            if (answer == null) {
                return finished;
            }
            return new RecordedRequest(server, method, path, query, headers, answer.status,
                    answer.bodyBytes, answer.repoId, answer.file);
        }
    }

    // ---- state changes ----

    private String commitContents(String repoId, String branch, Map<String, Content> contents,
            LfsRule lfs) {
        Objects.requireNonNull(lfs, "lfs");
        synchronized (lock) {
            head(repo(repoId), branch);
        }
        // Hash outside the lock: a gigabyte takes seconds, and downloads must go on meanwhile.
        Map<String, Blob> blobs = new TreeMap<>();
        contents.forEach((path, content) -> {
            checkPath(path);
            blobs.put(path, Blob.of(content, lfs.isLfs(path, content.size())));
        });
        synchronized (lock) {
            Repo repo = repo(repoId);
            Commit head = head(repo, branch);
            SortedMap<String, Blob> files = new TreeMap<>(head.files());
            files.putAll(blobs);
            checkNoClash(files);
            String message = "Upload " + (blobs.size() == 1
                    ? blobs.keySet().iterator().next() : blobs.size() + " files");
            return record(repo, branch, head.sha(), files, message);
        }
    }

    /** Adds a commit to {@code repo} and moves {@code branch} to it; holds the lock. */
    private String record(Repo repo, String branch, String parent, SortedMap<String, Blob> files,
            String message) {
        Map<String, String> trees = GitObjects.treeIds(files);
        long seconds = nextCommitSeconds;
        nextCommitSeconds += 60;
        String sha = GitObjects.commitId(trees.get(""), parent, AUTHOR, seconds, message);
        Commit commit = new Commit(sha, parent, seconds, message,
                java.util.Collections.unmodifiableSortedMap(files), Map.copyOf(trees));
        repo.commits.put(sha, commit);
        repo.branches.put(branch, sha);
        files.values().stream().filter(Blob::lfs)
                .forEach(blob -> lfsObjects.putIfAbsent(blob.sha256(), blob.content()));
        return sha;
    }

    private Repo repo(String repoId) {
        Repo repo = repos.get(repoId);
        if (repo == null) {
            throw new IllegalArgumentException("no repository " + repoId
                    + " on this LocalHub; create it with createRepo(\"" + repoId + "\")");
        }
        return repo;
    }

    private static Commit head(Repo repo, String branch) {
        String sha = repo.branches.get(branch);
        if (sha == null) {
            throw new IllegalArgumentException("no branch " + branch + " in " + repo.id
                    + "; create it with createBranch, branches are " + repo.branches.keySet());
        }
        return repo.commits.get(sha);
    }

    private static Commit resolve(Repo repo, String revision) {
        Commit commit = repo.resolve(revision);
        if (commit == null) {
            throw new IllegalArgumentException("no revision " + revision + " in " + repo.id
                    + "; branches are " + repo.branches.keySet() + ", tags " + repo.tags.keySet());
        }
        return commit;
    }

    private static void checkRefName(Repo repo, String name) {
        if (name == null || name.isEmpty() || name.startsWith("/") || name.endsWith("/")
                || name.contains("..") || name.matches("[0-9a-f]{40}")) {
            throw new IllegalArgumentException("'" + name + "' is not a usable branch or tag name");
        }
        if (repo.branches.containsKey(name) || repo.tags.containsKey(name)) {
            throw new IllegalArgumentException(repo.id + " already has a branch or tag " + name);
        }
    }

    private static void checkRepoId(String repoId) {
        if (repoId == null || !REPO_ID.matcher(repoId).matches() || repoId.contains("--")
                || repoId.contains("..") || repoId.startsWith("api/")) {
            throw new IllegalArgumentException("'" + repoId + "' is not a Hub repository id; use"
                    + " name or org/name with letters, digits, '.', '_' and '-' (no '--' or '..')");
        }
    }

    private static void checkPath(String path) {
        boolean bad = path == null || path.isEmpty() || path.startsWith("/") || path.endsWith("/")
                || path.contains("\\") || path.contains("\0");
        if (!bad) {
            for (String segment : path.split("/", -1)) {
                bad |= segment.isEmpty() || segment.equals(".") || segment.equals("..");
            }
        }
        if (bad) {
            throw new IllegalArgumentException("'" + path + "' is not a repository file path; use"
                    + " a relative path with '/' between folders and no '.' or '..' parts");
        }
    }

    private static void checkNoClash(SortedMap<String, Blob> files) {
        for (String path : files.keySet()) {
            String prefix = path + "/";
            SortedMap<String, Blob> under = files.subMap(prefix, prefix + Character.MAX_VALUE);
            if (!under.isEmpty()) {
                throw new IllegalArgumentException("'" + path + "' is a file and a folder (of '"
                        + under.firstKey() + "'); a repository path cannot be both");
            }
        }
    }

    /** Settings for a {@link LocalHub}. */
    public static final class Builder {
        private int port;
        private int treePageSize = DEFAULT_TREE_PAGE_SIZE;
        private boolean resolveCache;

        private Builder() {
        }

        /** The Hub host's port; 0, the default, picks a free one. The CDN always picks one. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0..65535, was " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * Entries per page of a tree listing; the default is the Hub's 1000. A small value such
         * as 3 makes clients follow {@code Link: rel="next"} pages.
         */
        public Builder treePageSize(int entries) {
            if (entries < 1) {
                throw new IllegalArgumentException("treePageSize must be at least 1, was " + entries);
            }
            this.treePageSize = entries;
            return this;
        }

        /**
         * Whether {@code resolve} of a Git (non-LFS) file answers 307 with a relative
         * {@code Location} under {@code /api/resolve-cache/models/...}, as huggingface.co now
         * does, instead of the bytes; default false. Clients must follow such same-host
         * redirects, keeping {@code Authorization}.
         */
        public Builder resolveCache(boolean enabled) {
            this.resolveCache = enabled;
            return this;
        }

        /**
         * Starts the hub.
         *
         * @throws UncheckedIOException when a loopback port cannot be bound
         */
        public LocalHub start() {
            try {
                return new LocalHub(this);
            } catch (IOException e) {
                throw new UncheckedIOException(e.getMessage(), e);
            }
        }
    }
}
