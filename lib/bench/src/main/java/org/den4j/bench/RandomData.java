package org.den4j.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Seeded pseudo-random bytes, fast enough to write gigabytes: nothing in them compresses or
 * repeats, so no layer (file system, den) can make a benchmark look better by deduplicating.
 */
final class RandomData {
    private static final int BUFFER = 1 << 20;
    private long state;

    RandomData(long seed) {
        // SplitMix64 of the seed, so that nearby seeds give unrelated streams and state is never 0.
        long z = seed + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        state = (z ^ (z >>> 31)) | 1;
    }

    /** The next 64 bits of xorshift64*. */
    long nextLong() {
        state ^= state >>> 12;
        state ^= state << 25;
        state ^= state >>> 27;
        return state * 0x2545F4914F6CDD1DL;
    }

    /** Fills the buffer from its position to its limit. */
    void fill(ByteBuffer buffer) {
        while (buffer.remaining() >= Long.BYTES) {
            buffer.putLong(nextLong());
        }
        while (buffer.hasRemaining()) {
            buffer.put((byte) nextLong());
        }
    }

    /** Writes {@code size} bytes to a new file (replacing an old one). */
    void write(Path file, long size) throws IOException {
        // Sized to the file: small models are written by the thousand, and a direct buffer is zeroed.
        ByteBuffer buffer = ByteBuffer.allocateDirect((int) Math.max(1, Math.min(BUFFER, size)))
                .order(ByteOrder.nativeOrder());
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            long left = size;
            while (left > 0) {
                buffer.clear();
                buffer.limit((int) Math.min(buffer.capacity(), left));
                fill(buffer);
                buffer.flip();
                while (buffer.hasRemaining()) {
                    left -= out.write(buffer);
                }
            }
        }
    }

    /**
     * Writes {@code total} bytes as {@code shards} files {@link #shardName named} like a model's weights, the last
     * taking the remainder, and returns them in order.
     */
    List<Path> writeShards(Path dir, long total, int shards) throws IOException {
        List<Path> files = new ArrayList<>();
        long each = total / shards;
        for (int i = 0; i < shards; i++) {
            Path file = dir.resolve(shardName(i, shards));
            write(file, i == shards - 1 ? total - each * (shards - 1) : each);
            files.add(file);
        }
        return files;
    }

    /** The name of weight shard {@code index} (from 0) of {@code shards}: {@code model-00001-of-00004.safetensors}. */
    static String shardName(int index, int shards) {
        return String.format(Locale.ROOT, "model-%05d-of-%05d.safetensors", index + 1, shards);
    }

    /** {@code length} random lower-case hex characters, for text files that must differ. */
    String hex(int length) {
        StringBuilder s = new StringBuilder(length);
        while (s.length() < length) {
            s.append(Long.toHexString(nextLong()));
        }
        return s.substring(0, length);
    }
}
