package org.den4j.hub.testhub;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** The bytes of a file the hub serves: held in memory, or read from a file on disk. */
sealed interface Content {

    /** Size in bytes. */
    long size();

    /** A stream over the bytes from {@code offset} on; the caller closes it. */
    InputStream open(long offset) throws IOException;

    /** Bytes held in memory; the array is never modified. */
    record Bytes(byte[] bytes) implements Content {
        @Override
        public long size() {
            return bytes.length;
        }

        @Override
        public InputStream open(long offset) {
            return new ByteArrayInputStream(bytes, (int) offset, bytes.length - (int) offset);
        }
    }

    /** Bytes read from a file that must not change while the hub serves it. */
    record File(Path path, long size) implements Content {
        @Override
        public InputStream open(long offset) throws IOException {
            FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
            try {
                channel.position(offset);
                return Channels.newInputStream(channel);
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
        }
    }
}
