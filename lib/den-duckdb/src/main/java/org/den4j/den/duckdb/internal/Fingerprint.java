package org.den4j.den.duckdb.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.den4j.den.HardwareRequirements;
import org.den4j.den.IoSpec;
import org.den4j.den.ModelInfo;
import org.den4j.den.ModelMetadata;

/**
 * A SHA-256 over everything the tables hold of a list of records, in list order, so that a saved
 * index can tell whether it was built from the same records.
 *
 * <p>Every string is written with its length, so neighbouring fields cannot run into each other.
 * The free-form Hugging Face config enters through its {@code hashCode()}, which Java defines from
 * the contents of maps, lists and JSON scalars; a change there also moves the record's
 * {@code updated} time, which is hashed in full.
 */
public final class Fingerprint {
    private final MessageDigest sha;
    // Fields are gathered here and handed to the digest in large blocks: one update call per field
    // costs more than the hashing itself.
    private final byte[] buffer = new byte[1 << 16];
    private int used;

    private Fingerprint() {
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("This JVM has no SHA-256", e);
        }
    }

    /** The fingerprint of {@code models} under table schema {@code schemaVersion}, as lower-case hex. */
    public static String of(List<ModelInfo> models, int schemaVersion) {
        Fingerprint f = new Fingerprint();
        f.number(schemaVersion);
        f.number(models.size());
        for (ModelInfo m : models) {
            f.model(m);
        }
        f.flush();
        return HexFormat.of().formatHex(f.sha.digest());
    }

    private void model(ModelInfo m) {
        text(m.name());
        number(m.version());
        text(m.digest());
        text(m.description());
        texts(m.tags());
        text(m.parent());
        text(m.parentRef());
        instant(m.created());
        instant(m.updated());
        number(m.size());
        number(m.fileCount());
        ModelMetadata meta = m.metadata();
        text(meta.modelType());
        text(meta.architecture());
        ios(meta.inputs());
        ios(meta.outputs());
        number(meta.hfConfig().hashCode());
        number(meta.hfConfig().size());
        text(meta.inferenceCode());
        texts(meta.supportedBackends());
        HardwareRequirements hw = meta.hardware();
        text(String.valueOf(hw.minMemoryMb()));
        number(hw.gpuRequired() ? 1 : 0);
        text(String.valueOf(hw.minGpuMemoryMb()));
        text(String.valueOf(hw.minCpuCores()));
        text(hw.notes());
        text(String.valueOf(hw.recommendedMemoryMb()));
        text(String.valueOf(hw.recommendedGpuMemoryMb()));
        text(String.valueOf(hw.recommendedCpuCores()));
        text(String.valueOf(hw.supportsCpu()));
        text(String.valueOf(hw.supportsGpu()));
        text(meta.displayName());
        number(meta.metrics().size());
        for (Map.Entry<String, Double> e : meta.metrics().entrySet()) {
            text(e.getKey());
            number(e.getValue() == null ? 0x7ff8dead : Double.doubleToLongBits(e.getValue()));
        }
        text(meta.sourceUrl());
        text(meta.license());
        number(meta.extra().size());
        for (Map.Entry<String, String> e : meta.extra().entrySet()) {
            text(e.getKey());
            text(e.getValue());
        }
    }

    private void ios(List<IoSpec> ios) {
        number(ios.size());
        for (IoSpec io : ios) {
            text(io.name());
            text(io.dataType().name());
            number(io.shape().size());
            for (Long d : io.shape()) {
                number(d == null ? Long.MIN_VALUE : d);
            }
            text(io.dtype());
            text(io.description());
            number(io.optional() ? 1 : 0);
        }
    }

    private void texts(List<String> values) {
        number(values.size());
        for (String v : values) {
            text(v);
        }
    }

    private void instant(Instant t) {
        if (t == null) {
            number(-1);
        } else {
            number(t.getEpochSecond());
            number(t.getNano());
        }
    }

    private void text(String s) {
        if (s == null) {
            number(-1);
            return;
        }
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        number(bytes.length);
        if (bytes.length > buffer.length - used) {
            flush();
            if (bytes.length > buffer.length) {
                sha.update(bytes);
                return;
            }
        }
        System.arraycopy(bytes, 0, buffer, used, bytes.length);
        used += bytes.length;
    }

    private void number(long v) {
        if (buffer.length - used < 8) {
            flush();
        }
        for (int i = used + 7; i >= used; i--) {
            buffer[i] = (byte) v;
            v >>>= 8;
        }
        used += 8;
    }

    private void flush() {
        sha.update(buffer, 0, used);
        used = 0;
    }
}
