package org.den4j.den.internal;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.den4j.den.AliasChange;
import org.den4j.den.ModelInfo;
import org.den4j.den.ModelMetadata;

/**
 * Reads and writes {@link RegistrySnapshot}s in a compact binary form.
 *
 * <p>A new process reads the snapshot before anything is compiled; plain {@link DataInputStream}
 * reads are several times faster there than JSON binding, and metadata that is empty (the common
 * case) costs one byte. Non-empty metadata is stored as its JSON.
 */
final class SnapshotCodec {
    private static final int MAGIC = 0x44454e53; // "DENS"
    private static final int VERSION = 1;

    private SnapshotCodec() {
    }

    static void write(RegistrySnapshot snapshot, Path file) throws IOException {
        try (OutputStream raw = Files.newOutputStream(file);
             DataOutputStream out = new DataOutputStream(new BufferedOutputStream(raw, 1 << 16))) {
            out.writeInt(MAGIC);
            out.writeInt(VERSION);
            out.writeLong(snapshot.position());
            out.writeInt(snapshot.versions().size());
            for (RegistrySnapshot.Entry<VersionDoc> e : snapshot.versions()) {
                string(out, e.key());
                string(out, e.etag());
                instant(out, e.doc().deleted());
                model(out, e.doc().model());
            }
            out.writeInt(snapshot.aliases().size());
            for (RegistrySnapshot.Entry<AliasDoc> e : snapshot.aliases()) {
                string(out, e.key());
                string(out, e.etag());
                AliasDoc doc = e.doc();
                out.writeInt(doc.aliases().size());
                for (Map.Entry<String, Integer> a : doc.aliases().entrySet()) {
                    string(out, a.getKey());
                    out.writeInt(a.getValue());
                }
                out.writeInt(doc.history().size());
                for (AliasChange c : doc.history()) {
                    string(out, c.alias());
                    out.writeInt(c.version());
                    out.writeInt(c.previous());
                    instant(out, c.at());
                    string(out, c.user());
                }
            }
        }
    }

    static RegistrySnapshot read(Path file) throws IOException {
        try (InputStream raw = Files.newInputStream(file);
             DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 16))) {
            if (in.readInt() != MAGIC || in.readInt() != VERSION) {
                throw new IOException("Not a den4j registry snapshot of version " + VERSION + ": " + file);
            }
            long position = in.readLong();
            int n = in.readInt();
            List<RegistrySnapshot.Entry<VersionDoc>> versions = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                String key = string(in);
                String etag = string(in);
                Instant deleted = instant(in);
                versions.add(new RegistrySnapshot.Entry<>(key, etag, new VersionDoc(model(in), deleted)));
            }
            int m = in.readInt();
            List<RegistrySnapshot.Entry<AliasDoc>> aliases = new ArrayList<>(m);
            for (int i = 0; i < m; i++) {
                String key = string(in);
                String etag = string(in);
                int count = in.readInt();
                Map<String, Integer> map = new LinkedHashMap<>();
                for (int j = 0; j < count; j++) {
                    map.put(string(in), in.readInt());
                }
                int changes = in.readInt();
                List<AliasChange> history = new ArrayList<>(changes);
                for (int j = 0; j < changes; j++) {
                    history.add(new AliasChange(string(in), in.readInt(), in.readInt(), instant(in), string(in)));
                }
                aliases.add(new RegistrySnapshot.Entry<>(key, etag, new AliasDoc(map, history)));
            }
            return new RegistrySnapshot(position, versions, aliases);
        }
    }

    private static void model(DataOutputStream out, ModelInfo m) throws IOException {
        string(out, m.name());
        out.writeInt(m.version());
        string(out, m.digest());
        string(out, m.description());
        out.writeInt(m.tags().size());
        for (String t : m.tags()) {
            string(out, t);
        }
        string(out, m.parent());
        string(out, m.parentRef());
        instant(out, m.created());
        instant(out, m.updated());
        out.writeLong(m.size());
        out.writeInt(m.fileCount());
        if (m.metadata().equals(ModelMetadata.EMPTY)) {
            out.writeInt(-1);
        } else {
            byte[] json = Json.MAPPER.writeValueAsBytes(m.metadata());
            out.writeInt(json.length);
            out.write(json);
        }
    }

    private static ModelInfo model(DataInputStream in) throws IOException {
        String name = string(in);
        int version = in.readInt();
        String digest = string(in);
        String description = string(in);
        int tagCount = in.readInt();
        List<String> tags = new ArrayList<>(tagCount);
        for (int i = 0; i < tagCount; i++) {
            tags.add(string(in));
        }
        String parent = string(in);
        String parentRef = string(in);
        Instant created = instant(in);
        Instant updated = instant(in);
        long size = in.readLong();
        int fileCount = in.readInt();
        int metaLength = in.readInt();
        ModelMetadata metadata = ModelMetadata.EMPTY;
        if (metaLength >= 0) {
            byte[] json = in.readNBytes(metaLength);
            metadata = Json.MAPPER.readValue(json, ModelMetadata.class);
        }
        return new ModelInfo(name, version, digest, description, tags, parent, parentRef, metadata, created, updated,
                size, fileCount);
    }

    private static void string(DataOutputStream out, String s) throws IOException {
        if (s == null) {
            out.writeInt(-1);
            return;
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String string(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        return new String(in.readNBytes(n), StandardCharsets.UTF_8);
    }

    private static void instant(DataOutputStream out, Instant t) throws IOException {
        if (t == null) {
            out.writeLong(Long.MIN_VALUE);
            return;
        }
        out.writeLong(t.getEpochSecond());
        out.writeInt(t.getNano());
    }

    private static Instant instant(DataInputStream in) throws IOException {
        long seconds = in.readLong();
        return seconds == Long.MIN_VALUE ? null : Instant.ofEpochSecond(seconds, in.readInt());
    }
}
