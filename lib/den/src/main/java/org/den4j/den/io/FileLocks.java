package org.den4j.den.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Exclusive locks on lock files, held across threads and processes.
 *
 * <p>A JVM can hold only one {@link FileLock} per file; threads of one instance queue on an in-memory
 * lock first, and two instances in one JVM retry while the other holds the file lock.
 */
public final class FileLocks {
    private final ConcurrentHashMap<Path, ReentrantLock> local = new ConcurrentHashMap<>();

    /** Work done while holding a lock. */
    public interface LockedAction<T> {
        T run() throws IOException;
    }

    public <T> T withLock(Path lockFile, LockedAction<T> action) throws IOException {
        ReentrantLock threadLock = local.computeIfAbsent(lockFile, p -> new ReentrantLock());
        threadLock.lock();
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            FileLock lock = acquire(channel, lockFile);
            try {
                return action.run();
            } finally {
                lock.release();
            }
        } finally {
            threadLock.unlock();
        }
    }

    private static FileLock acquire(FileChannel channel, Path lockFile) throws IOException {
        long sleep = 1;
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (true) {
            try {
                return channel.lock();
            } catch (OverlappingFileLockException e) {
                // Another den instance in this JVM holds it: wait as a second process would.
                if (System.nanoTime() > deadline) {
                    throw new IOException("Timed out after 120 s waiting for lock " + lockFile
                            + " held by another den instance in this JVM", e);
                }
                try {
                    Thread.sleep(sleep);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new IOException("Interrupted while waiting for lock " + lockFile, ie);
                }
                sleep = Math.min(50, sleep * 2);
            }
        }
    }
}
