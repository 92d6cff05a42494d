package org.den4j.den.backend;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.den4j.den.DenConfigException;
import org.den4j.den.format.Sha256;
import org.den4j.den.io.FileLocks;
import org.den4j.den.io.FileTree;

/**
 * A den in a local directory.
 *
 * <pre>
 * den.json                     format marker
 * blobs/sha256/ab/abcd...      file contents, read-only, named by SHA-256
 * docs/manifests/DIGEST.json   file lists
 * docs/models/NAME/@versions/N.json, docs/models/NAME/@aliases.json
 * snapshots/DIGEST/            fetched models: links to blobs
 * tmp/ID/ + tmp/ID.lock        staging of one writer, locked while it lives
 * locks/                       lock files for compare-and-swap
 * quarantine/DIGEST-TIME       damaged blobs that verify set aside, kept for inspection
 * journal.log                  one line per document written: the key (readers replay it)
 * index/                       caches rebuilt from the documents (registry snapshot, indexes)
 * </pre>
 *
 * <p>Every write goes to a temporary file first and becomes visible by an atomic rename (or a hard
 * link for create-only writes), so a process killed at any point leaves nothing half-visible.
 */
public final class LocalBackend implements DenBackend {
    private static final Set<PosixFilePermission> READ_ONLY = PosixFilePermissions.fromString("r--r--r--");
    private static final byte[] FORMAT = "{\n  \"format\" : 1,\n  \"layout\" : \"den4j-local\"\n}\n"
            .getBytes(StandardCharsets.UTF_8);

    private final Path root;
    private final boolean shared;
    private final Path blobs;
    private final Path docs;
    private final Path tmp;
    private final Path locks;
    private final Path snapshots;
    private final Path journal;
    private final FileLocks fileLocks = new FileLocks();
    private Staging docStaging;

    /**
     * Opens (creating when missing) a local den at {@code root}.
     *
     * @param shared true for a machine den: directories and documents group-writable
     * @throws DenConfigException when the root is a file or not writable
     */
    public LocalBackend(Path root, boolean shared) {
        this.root = root.toAbsolutePath().normalize();
        this.shared = shared;
        this.blobs = this.root.resolve("blobs").resolve("sha256");
        this.docs = this.root.resolve("docs");
        this.tmp = this.root.resolve("tmp");
        this.locks = this.root.resolve("locks");
        this.snapshots = this.root.resolve("snapshots");
        this.journal = this.root.resolve("journal.log");
        if (Files.exists(this.root) && !Files.isDirectory(this.root)) {
            throw new DenConfigException("DEN4J_PATH", "Den path " + this.root
                    + " is a file, not a directory; point DEN4J_PATH (or --den) at a directory");
        }
        try {
            for (Path dir : List.of(this.root, blobs, docs, tmp, locks, snapshots)) {
                createDirectories(dir);
            }
            Path marker = this.root.resolve("den.json");
            if (!Files.exists(marker)) {
                Path t = Files.createTempFile(tmp, "den", ".json");
                Files.write(t, FORMAT);
                moveReplacing(t, marker);
            }
        } catch (IOException e) {
            throw new DenConfigException("DEN4J_PATH", "Den path " + this.root + " is not writable (" + e
                    + "); choose a writable directory with DEN4J_PATH or --den, or fix its permissions");
        }
        if (!Files.isWritable(this.root) || !Files.isWritable(tmp)) {
            throw new DenConfigException("DEN4J_PATH", "Den path " + this.root
                    + " is not writable; choose a writable directory with DEN4J_PATH or --den, or fix its permissions");
        }
    }

    /** The den directory. */
    public Path root() {
        return root;
    }

    @Override
    public String location() {
        return root.toString();
    }

    private Path blobPath(String digest) {
        return blobs.resolve(digest.substring(0, 2)).resolve(digest);
    }

    private Path docPath(String key) {
        if (key.startsWith("/") || key.contains("..") || key.contains("\\")) {
            throw new IllegalArgumentException("Document key " + key + " leaves the den");
        }
        return docs.resolve(key);
    }

    @Override
    public OptionalLong blobSize(String digest) throws IOException {
        try {
            return OptionalLong.of(Files.size(blobPath(digest)));
        } catch (NoSuchFileException e) {
            return OptionalLong.empty();
        }
    }

    @Override
    public InputStream openBlob(String digest) throws IOException {
        return Files.newInputStream(blobPath(digest));
    }

    @Override
    public Optional<Path> localBlob(String digest) {
        Path p = blobPath(digest);
        return Files.exists(p) ? Optional.of(p) : Optional.empty();
    }

    @Override
    public boolean putBlob(String digest, Path file) throws IOException {
        Path target = blobPath(digest);
        if (Files.exists(target)) {
            Files.deleteIfExists(file);
            touchBlob(digest);
            return false;
        }
        createDirectories(target.getParent());
        setPermissions(file, READ_ONLY);
        // Rename is atomic: readers see either no blob or the whole blob. Two writers racing store
        // the same bytes, so whichever rename lands last is equally right.
        moveReplacing(file, target);
        return true;
    }

    @Override
    public void touchBlob(String digest) throws IOException {
        try {
            Files.setLastModifiedTime(blobPath(digest), FileTime.from(Instant.now()));
        } catch (NoSuchFileException e) {
            // gone: the caller notices when it reads it
        }
    }

    @Override
    public void quarantineBlob(String digest) throws IOException {
        Path quarantine = root.resolve("quarantine");
        createDirectories(quarantine);
        try {
            Files.move(blobPath(digest), quarantine.resolve(digest + "-" + System.currentTimeMillis()),
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException e) {
            // already gone
        }
    }

    @Override
    public void deleteBlob(String digest) throws IOException {
        Files.deleteIfExists(blobPath(digest));
    }

    @Override
    public List<BlobStat> listBlobs() throws IOException {
        List<BlobStat> result = new ArrayList<>();
        try (Stream<Path> files = Files.walk(blobs, 2)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                String name = p.getFileName().toString();
                if (name.length() == 64 && name.matches("[0-9a-f]{64}")) {
                    try {
                        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                        if (a.isRegularFile()) {
                            result.add(new BlobStat(name, a.size(), a.lastModifiedTime().toInstant()));
                        }
                    } catch (NoSuchFileException e) {
                        // deleted meanwhile
                    }
                }
            }
        }
        return result;
    }

    @Override
    public Optional<StoredDocument> read(String key) throws IOException {
        Path p = docPath(key);
        // Read the attributes before and after the bytes, so the etag belongs to what was read.
        for (int attempt = 0; attempt < 5; attempt++) {
            try {
                String before = etag(p);
                byte[] bytes = Files.readAllBytes(p);
                String after = etag(p);
                if (before.equals(after)) {
                    return Optional.of(new StoredDocument(key, bytes, after));
                }
            } catch (NoSuchFileException e) {
                return Optional.empty();
            }
        }
        throw new IOException("Document " + p + " keeps changing while being read");
    }

    @Override
    public boolean create(String key, byte[] content) throws IOException {
        Path target = docPath(key);
        if (Files.exists(target)) {
            return false;
        }
        createDirectories(target.getParent());
        Path t = stageDocument(content);
        try {
            // A hard link fails when the target exists, which makes this create-only across processes.
            Files.createLink(target, t);
            journal(key);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (UnsupportedOperationException | FileSystemException e) {
            return fileLocks.withLock(lockFor(key), () -> {
                if (Files.exists(target)) {
                    return false;
                }
                moveReplacing(t, target);
                journal(key);
                return true;
            });
        } finally {
            Files.deleteIfExists(t);
        }
    }

    @Override
    public boolean replace(String key, byte[] content, String expectedEtag) throws IOException {
        Path target = docPath(key);
        createDirectories(target.getParent());
        Path t = stageDocument(content);
        try {
            return fileLocks.withLock(lockFor(key), () -> {
                String current = Files.exists(target) ? etag(target) : null;
                if (expectedEtag == null ? current != null : !expectedEtag.equals(current)) {
                    return false;
                }
                moveReplacing(t, target);
                journal(key);
                return true;
            });
        } finally {
            Files.deleteIfExists(t);
        }
    }

    @Override
    public void delete(String key) throws IOException {
        Path target = docPath(key);
        fileLocks.withLock(lockFor(key), () -> {
            if (Files.deleteIfExists(target)) {
                journal(key);
            }
            return null;
        });
    }

    private void journal(String key) throws IOException {
        // One small write with O_APPEND: lines from concurrent writers never interleave.
        Files.write(journal, (key + "\n").getBytes(StandardCharsets.UTF_8), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }

    @Override
    public Optional<Changes> changesSince(long position) throws IOException {
        long size;
        try {
            size = Files.size(journal);
        } catch (NoSuchFileException e) {
            size = 0;
        }
        if (position > size) {
            throw new IOException("Journal " + journal + " is shorter (" + size + " bytes) than position " + position);
        }
        if (position == size) {
            return Optional.of(new Changes(List.of(), position));
        }
        byte[] tail;
        try (FileChannel ch = FileChannel.open(journal, StandardOpenOption.READ)) {
            java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate((int) Math.min(Integer.MAX_VALUE - 8, size - position));
            ch.position(position);
            while (buffer.hasRemaining() && ch.read(buffer) > 0) {
                // fill
            }
            tail = java.util.Arrays.copyOf(buffer.array(), buffer.position());
        }
        // A writer may be mid-line: consume only whole lines.
        int end = tail.length;
        while (end > 0 && tail[end - 1] != '\n') {
            end--;
        }
        List<String> keys = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < end; i++) {
            if (tail[i] == '\n') {
                if (i > start) {
                    keys.add(new String(tail, start, i - start, StandardCharsets.UTF_8));
                }
                start = i + 1;
            }
        }
        return Optional.of(new Changes(keys, position + end));
    }

    @Override
    public List<DocumentStat> list(String prefix) throws IOException {
        Path start = docs;
        int slash = prefix.lastIndexOf('/');
        if (slash > 0) {
            start = docPath(prefix.substring(0, slash));
        }
        if (!Files.isDirectory(start)) {
            return List.of();
        }
        List<DocumentStat> result = new ArrayList<>();
        try (Stream<Path> files = Files.walk(start)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                String key = docs.relativize(p).toString().replace('\\', '/');
                if (!key.startsWith(prefix)) {
                    continue;
                }
                try {
                    BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                    if (a.isRegularFile()) {
                        result.add(new DocumentStat(key, etag(a)));
                    }
                } catch (NoSuchFileException e) {
                    // deleted meanwhile
                }
            }
        }
        return result;
    }

    @Override
    public Staging openStaging() throws IOException {
        return new LocalStaging();
    }

    @Override
    public CleanupResult cleanStaleStaging() throws IOException {
        int entries = 0;
        long bytes = 0;
        List<Path> lockFiles;
        try (Stream<Path> s = Files.list(tmp)) {
            lockFiles = s.filter(p -> p.getFileName().toString().endsWith(".lock")).toList();
        }
        for (Path lockFile : lockFiles) {
            String id = lockFile.getFileName().toString().replace(".lock", "");
            try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
                FileLock lock;
                try {
                    lock = channel.tryLock();
                } catch (OverlappingFileLockException e) {
                    continue; // alive in this JVM
                }
                if (lock == null) {
                    continue; // alive in another process
                }
                try {
                    Path dir = tmp.resolve(id);
                    FileTree.Removed freed = FileTree.delete(dir);
                    entries += freed.entries();
                    bytes += freed.bytes();
                    Files.deleteIfExists(lockFile);
                    entries++;
                } finally {
                    lock.release();
                }
            } catch (NoSuchFileException e) {
                // its owner finished meanwhile
            }
        }
        // Loose files and staging folders whose lock file is gone, from a writer killed between steps.
        Instant cutoff = Instant.now().minusSeconds(3600);
        try (DirectoryStream<Path> s = Files.newDirectoryStream(tmp)) {
            for (Path p : s) {
                String name = p.getFileName().toString();
                if (name.endsWith(".lock") || Files.exists(tmp.resolve(name + ".lock"))) {
                    continue;
                }
                if (Files.getLastModifiedTime(p).toInstant().isBefore(cutoff)) {
                    FileTree.Removed freed = FileTree.delete(p);
                    entries += freed.entries();
                    bytes += freed.bytes();
                }
            }
        }
        return new CleanupResult(entries, bytes);
    }

    @Override
    public Path snapshotRoot() {
        return snapshots;
    }

    @Override
    public synchronized void close() throws IOException {
        if (docStaging != null) {
            docStaging.close();
            docStaging = null;
        }
    }

    private synchronized Path stageDocument(byte[] content) throws IOException {
        if (docStaging == null) {
            docStaging = new LocalStaging();
        }
        Path t = docStaging.directory().resolve(UUID.randomUUID() + ".json");
        Files.write(t, content, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        if (shared) {
            setPermissions(t, PosixFilePermissions.fromString("rw-rw-r--"));
        }
        return t;
    }

    private Path lockFor(String key) {
        return locks.resolve(Sha256.hex(digestOf(key)).substring(0, 24) + ".lock");
    }

    private static java.security.MessageDigest digestOf(String key) {
        java.security.MessageDigest sha = Sha256.newDigest();
        sha.update(key.getBytes(StandardCharsets.UTF_8));
        return sha;
    }

    private static String etag(Path p) throws IOException {
        return etag(Files.readAttributes(p, BasicFileAttributes.class));
    }

    private static String etag(BasicFileAttributes a) {
        // A rename installs a new inode, so inode + mtime + size changes on every write.
        return a.fileKey() + "-" + a.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS) + "-" + a.size();
    }

    private void createDirectories(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        Files.createDirectories(dir);
        if (shared) {
            setPermissions(dir, PosixFilePermissions.fromString("rwxrwxr-x"));
        }
    }

    public static void moveReplacing(Path source, Path target) throws IOException {
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(source, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    public static void setPermissions(Path p, Set<PosixFilePermission> permissions) {
        try {
            Files.setPosixFilePermissions(p, permissions);
        } catch (UnsupportedOperationException | IOException e) {
            // Not a POSIX file system (Windows): permissions stay as the OS sets them.
        }
    }

    /** A staging directory guarded by a lock held for its lifetime, so gc can tell live from dead writers. */
    private final class LocalStaging implements Staging {
        private final Path directory;
        private final Path lockFile;
        private final FileChannel channel;
        private final FileLock lock;
        private final Instant started = Instant.now();

        LocalStaging() throws IOException {
            String id = UUID.randomUUID().toString();
            lockFile = tmp.resolve(id + ".lock");
            channel = FileChannel.open(lockFile, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            lock = channel.lock();
            directory = Files.createDirectory(tmp.resolve(id));
            if (shared) {
                // Another user's gc must be able to remove what this writer leaves if it dies.
                setPermissions(directory, PosixFilePermissions.fromString("rwxrwxr-x"));
                setPermissions(lockFile, PosixFilePermissions.fromString("rw-rw-r--"));
            }
        }

        @Override
        public Path directory() {
            return directory;
        }

        @Override
        public Instant started() {
            return started;
        }

        @Override
        public void close() throws IOException {
            try {
                FileTree.delete(directory);
                Files.deleteIfExists(lockFile);
            } finally {
                lock.release();
                channel.close();
            }
        }
    }
}
