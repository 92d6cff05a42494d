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
import org.den4j.den.DataType;
import org.den4j.den.HardwareRequirements;
import org.den4j.den.IoSpec;
import org.den4j.den.ModelInfo;
import org.den4j.den.ModelMetadata;
import org.den4j.den.format.AliasDoc;
import org.den4j.den.format.VersionDoc;

/**
 * Reads and writes {@link RegistrySnapshot}s in a compact binary form.
 *
 * <p>A new process reads the snapshot before anything is compiled; plain {@link DataInputStream}
 * reads are several times faster there than JSON binding. Metadata is written field by field; the
 * free-form Hugging Face config as tagged values (null, boolean, numbers, text, lists, maps).
 */
final class SnapshotCodec {
    private static final int MAGIC = 0x44454e53; // "DENS"
    private static final int VERSION = 3; // 3: display name, recommended figures, CPU/GPU flags

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
        metadata(out, m.metadata());
    }

    private static void metadata(DataOutputStream out, ModelMetadata meta) throws IOException {
        string(out, meta.displayName());
        string(out, meta.modelType());
        string(out, meta.architecture());
        ios(out, meta.inputs());
        ios(out, meta.outputs());
        value(out, meta.hfConfig());
        string(out, meta.inferenceCode());
        strings(out, meta.supportedBackends());
        HardwareRequirements hw = meta.hardware();
        value(out, hw.minMemoryMb());
        value(out, hw.recommendedMemoryMb());
        out.writeBoolean(hw.gpuRequired());
        value(out, hw.minGpuMemoryMb());
        value(out, hw.recommendedGpuMemoryMb());
        value(out, hw.minCpuCores());
        value(out, hw.recommendedCpuCores());
        value(out, hw.supportsCpu());
        value(out, hw.supportsGpu());
        string(out, hw.notes());
        out.writeInt(meta.metrics().size());
        for (Map.Entry<String, Double> e : meta.metrics().entrySet()) {
            string(out, e.getKey());
            value(out, e.getValue());
        }
        string(out, meta.sourceUrl());
        string(out, meta.license());
        out.writeInt(meta.extra().size());
        for (Map.Entry<String, String> e : meta.extra().entrySet()) {
            string(out, e.getKey());
            string(out, e.getValue());
        }
    }

    @SuppressWarnings("unchecked")
    private static ModelMetadata metadata(DataInputStream in) throws IOException {
        String displayName = string(in);
        String modelType = string(in);
        String architecture = string(in);
        List<IoSpec> inputs = ios(in);
        List<IoSpec> outputs = ios(in);
        Map<String, Object> hfConfig = (Map<String, Object>) value(in);
        String inferenceCode = string(in);
        List<String> backends = strings(in);
        HardwareRequirements hw = new HardwareRequirements(toLong(value(in)), toLong(value(in)), in.readBoolean(),
                toLong(value(in)), toLong(value(in)), (Integer) value(in), (Integer) value(in), (Boolean) value(in),
                (Boolean) value(in), string(in));
        int metricCount = in.readInt();
        Map<String, Double> metrics = new LinkedHashMap<>();
        for (int i = 0; i < metricCount; i++) {
            metrics.put(string(in), (Double) value(in));
        }
        String sourceUrl = string(in);
        String license = string(in);
        int extraCount = in.readInt();
        Map<String, String> extra = new LinkedHashMap<>();
        for (int i = 0; i < extraCount; i++) {
            extra.put(string(in), string(in));
        }
        return new ModelMetadata(displayName, modelType, architecture, inputs, outputs, hfConfig, inferenceCode,
                backends, hw,
                metrics, sourceUrl, license, extra);
    }

    private static Long toLong(Object o) {
        return o == null ? null : ((Number) o).longValue();
    }

    private static void ios(DataOutputStream out, List<IoSpec> ios) throws IOException {
        out.writeInt(ios.size());
        for (IoSpec io : ios) {
            string(out, io.name());
            string(out, io.dataType().name());
            out.writeInt(io.shape().size());
            for (Long d : io.shape()) {
                out.writeLong(d == null ? Long.MIN_VALUE : d);
            }
            string(out, io.dtype());
            string(out, io.description());
            out.writeBoolean(io.optional());
        }
    }

    private static List<IoSpec> ios(DataInputStream in) throws IOException {
        int n = in.readInt();
        List<IoSpec> ios = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String name = string(in);
            DataType type = DataType.valueOf(string(in));
            int dims = in.readInt();
            List<Long> shape = new ArrayList<>(dims);
            for (int d = 0; d < dims; d++) {
                long v = in.readLong();
                shape.add(v == Long.MIN_VALUE ? null : v);
            }
            ios.add(new IoSpec(name, type, shape, string(in), string(in), in.readBoolean()));
        }
        return ios;
    }

    private static void strings(DataOutputStream out, List<String> values) throws IOException {
        out.writeInt(values.size());
        for (String v : values) {
            string(out, v);
        }
    }

    private static List<String> strings(DataInputStream in) throws IOException {
        int n = in.readInt();
        List<String> values = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            values.add(string(in));
        }
        return values;
    }

    /** A JSON-like value: null, Boolean, Integer, Long, Double, BigInteger, BigDecimal, String, List, Map. */
    private static void value(DataOutputStream out, Object v) throws IOException {
        if (v == null) {
            out.writeByte('n');
        } else if (v instanceof Boolean b) {
            out.writeByte(b ? 't' : 'f');
        } else if (v instanceof Integer i) {
            out.writeByte('i');
            out.writeInt(i);
        } else if (v instanceof Long l) {
            out.writeByte('l');
            out.writeLong(l);
        } else if (v instanceof Double d) {
            out.writeByte('d');
            out.writeDouble(d);
        } else if (v instanceof Float f) {
            out.writeByte('d');
            out.writeDouble(f);
        } else if (v instanceof java.math.BigInteger b) {
            out.writeByte('I');
            string(out, b.toString());
        } else if (v instanceof java.math.BigDecimal b) {
            out.writeByte('D');
            string(out, b.toString());
        } else if (v instanceof String str) {
            out.writeByte('s');
            string(out, str);
        } else if (v instanceof List<?> list) {
            out.writeByte('[');
            out.writeInt(list.size());
            for (Object o : list) {
                value(out, o);
            }
        } else if (v instanceof Map<?, ?> map) {
            out.writeByte('{');
            out.writeInt(map.size());
            for (Map.Entry<?, ?> e : map.entrySet()) {
                string(out, String.valueOf(e.getKey()));
                value(out, e.getValue());
            }
        } else {
            // Anything else (a number type Jackson does not produce): keep its text.
            out.writeByte('s');
            string(out, v.toString());
        }
    }

    private static Object value(DataInputStream in) throws IOException {
        int tag = in.readByte();
        switch (tag) {
            case 'n': return null;
            case 't': return Boolean.TRUE;
            case 'f': return Boolean.FALSE;
            case 'i': return in.readInt();
            case 'l': return in.readLong();
            case 'd': return in.readDouble();
            case 'I': return new java.math.BigInteger(string(in));
            case 'D': return new java.math.BigDecimal(string(in));
            case 's': return string(in);
            case '[': {
                int n = in.readInt();
                List<Object> list = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    list.add(value(in));
                }
                return list;
            }
            case '{': {
                int n = in.readInt();
                Map<String, Object> map = new LinkedHashMap<>();
                for (int i = 0; i < n; i++) {
                    map.put(string(in), value(in));
                }
                return map;
            }
            default:
                throw new IOException("Unknown value tag " + tag + " in registry snapshot");
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
        ModelMetadata metadata = metadata(in);
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
