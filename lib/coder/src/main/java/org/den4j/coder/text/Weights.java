package org.den4j.coder.text;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.den4j.coder.CoderException;
import org.den4j.coder.CoderInputException;
import org.den4j.lm.io.DType;
import org.den4j.lm.io.Safetensors;
import org.den4j.lm.io.SafetensorsFile;
import org.den4j.lm.io.Tensor;

/** Reads and writes classifier weights as safetensors (sparse rows as CSR) and label lists as text. */
final class Weights {
    private Weights() {
    }

    /** A CSR matrix of label rows with one intercept per row. */
    record Csr(long[] indptr, int[] indices, float[] data, float[] intercept) {
    }

    static Tensor ints(int[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asIntBuffer().put(values);
        return new Tensor(DType.I32, new long[] {values.length}, b);
    }

    static Tensor longs(long[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(values);
        return new Tensor(DType.I64, new long[] {values.length}, b);
    }

    static Tensor floats(float[] values) {
        return Tensor.ofFloats(DType.F32, new long[] {values.length}, values);
    }

    static void writeCsr(Path file, long[] indptr, int[] indices, float[] data, float[] intercept, int columns) {
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("coef.data", floats(data));
        t.put("coef.indices", ints(indices));
        t.put("coef.indptr", longs(indptr));
        t.put("intercept", floats(intercept));
        write(file, t, Map.of("format", "csr", "rows", Integer.toString(intercept.length), "columns",
                Integer.toString(columns)));
    }

    static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) {
        try {
            Safetensors.write(file, tensors, metadata);
        } catch (RuntimeException e) {
            throw new CoderException("Cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    static Csr readCsr(Path file, int rows, int columns) {
        try (SafetensorsFile f = open(file)) {
            long[] indptr = longsOf(f, "coef.indptr");
            int[] indices = intsOf(f, "coef.indices");
            float[] data = f.floats("coef.data");
            float[] intercept = f.floats("intercept");
            if (indptr.length != rows + 1 || intercept.length != rows || indices.length != data.length
                    || indptr[rows] != data.length) {
                throw new CoderInputException(file + " does not fit " + rows + " labels: indptr " + indptr.length
                        + ", intercept " + intercept.length + ", indices " + indices.length + ", data " + data.length);
            }
            for (int i : indices) {
                if (i < 0 || i >= columns) {
                    throw new CoderInputException(file + " names feature " + i + " of a vocabulary of " + columns);
                }
            }
            return new Csr(indptr, indices, data, intercept);
        } catch (CoderException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new CoderInputException("Cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    static SafetensorsFile open(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new CoderInputException(file.getParent() + " has no " + file.getFileName() + "; train the "
                    + "classifier again");
        }
        try {
            return SafetensorsFile.open(file);
        } catch (RuntimeException e) {
            throw new CoderInputException("Cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    static int[] intsOf(SafetensorsFile f, String name) {
        ByteBuffer b = f.data(name).order(ByteOrder.LITTLE_ENDIAN);
        int[] out = new int[b.remaining() / 4];
        b.asIntBuffer().get(out);
        return out;
    }

    static long[] longsOf(SafetensorsFile f, String name) {
        ByteBuffer b = f.data(name).order(ByteOrder.LITTLE_ENDIAN);
        long[] out = new long[b.remaining() / 8];
        b.asLongBuffer().get(out);
        return out;
    }

    static void writeLabels(Path file, String[] labels) {
        try {
            Files.write(file, List.of(labels), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CoderException("Cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    static String[] readLabels(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(s -> !s.isEmpty())
                    .toArray(String[]::new);
        } catch (NoSuchFileException e) {
            throw new CoderInputException(file.getParent() + " has no " + file.getFileName() + "; train the "
                    + "classifier again", e);
        } catch (IOException e) {
            throw new CoderInputException("Cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
