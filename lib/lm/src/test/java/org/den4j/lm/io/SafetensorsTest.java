package org.den4j.lm.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.den4j.lm.ModelFileException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {
    @TempDir
    Path dir;

    private static Map<String, Tensor> sample() {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("a.f32", Tensor.ofFloats(DType.F32, new long[] {2, 3}, new float[] {1, 2, 3, 4, 5, -6.5f}));
        tensors.put("b.f16", Tensor.ofFloats(DType.F16, new long[] {4}, new float[] {0.5f, -2, 65504, 1e-7f}));
        tensors.put("c.bf16", Tensor.ofFloats(DType.BF16, new long[] {3}, new float[] {1.5f, -3.25f, 1e30f}));
        return tensors;
    }

    @Test
    void writtenFileReadsBackWithDtypesShapesValuesAndMetadata() {
        Path file = dir.resolve("model.safetensors");
        Safetensors.write(file, sample(), Map.of("format", "pt"));
        try (SafetensorsFile st = SafetensorsFile.open(file)) {
            assertEquals(Map.of("format", "pt"), st.metadata());
            assertEquals(List.of("a.f32", "b.f16", "c.bf16"), List.copyOf(st.tensors().keySet()));
            assertArrayEquals(new long[] {2, 3}, st.tensor("a.f32").shape());
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, -6.5f}, st.floats("a.f32"));
            assertEquals(DType.F16, st.tensor("b.f16").dtype());
            float[] half = st.floats("b.f16");
            assertEquals(0.5f, half[0]);
            assertEquals(-2f, half[1]);
            assertEquals(65504f, half[2]);
            assertEquals(2 * 0x1p-24f, half[3]); // nearest subnormal half to 1e-7
            assertArrayEquals(new float[] {1.5f, -3.25f, 1.0000000150474662e30f}, st.floats("c.bf16"), 1e27f);
        }
    }

    @Test
    void headerIsPaddedToEightBytesAndDataIsLittleEndian() throws IOException {
        Path file = dir.resolve("x.safetensors");
        Safetensors.write(file, Map.of("w", Tensor.ofFloats(DType.F32, new long[] {1}, new float[] {1f})), null);
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        long n = bytes.getLong(0);
        assertEquals(0, n % 8);
        String header = new String(bytes.array(), 8, (int) n, StandardCharsets.UTF_8);
        assertTrue(header.startsWith("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}"), header);
        assertEquals(1f, bytes.getFloat(8 + (int) n));
    }

    @Test
    void shardedFolderIsReadThroughItsIndex() {
        List<Path> written = Safetensors.writeModel(dir, sample(), Map.of("format", "pt"), 30);
        assertEquals(Safetensors.INDEX_FILE, written.get(written.size() - 1).getFileName().toString());
        assertTrue(written.size() >= 3, written.toString());
        try (SafetensorsFolder folder = SafetensorsFolder.open(dir)) {
            assertEquals(List.of("a.f32", "b.f16", "c.bf16"), List.copyOf(folder.tensorNames()));
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, -6.5f}, folder.floats("a.f32"));
            assertEquals(DType.BF16, folder.tensor("c.bf16").dtype());
        }
    }

    @Test
    void singleFileFolderIsRead() {
        Safetensors.writeModel(dir, sample(), Map.of(), 1L << 30);
        assertTrue(Files.exists(dir.resolve(Safetensors.MODEL_FILE)));
        try (SafetensorsFolder folder = SafetensorsFolder.open(dir)) {
            assertEquals(3, folder.tensorNames().size());
            assertEquals(24 + 8 + 6, folder.byteCount());
        }
    }

    private Path rawFile(String header, int dataBytes) throws IOException {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + json.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(json.length).put(json);
        Path file = dir.resolve("bad.safetensors");
        Files.write(file, b.array());
        return file;
    }

    @Test
    void outOfRangeOffsetsNameTheFileAndTensor() throws IOException {
        Path file = rawFile("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 8);
        ModelFileException e = assertThrows(ModelFileException.class, () -> SafetensorsFile.open(file));
        assertEquals("w", e.entry());
        assertEquals(file, e.file());
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("'w'")
                && e.getMessage().contains("data_offsets [0, 16] out of range"), e.getMessage());
    }

    @Test
    void shapeWhoseSizeOverflowsIsRefused() throws IOException {
        // 2^62 floats are 2^64 bytes, which wraps around to the 0 bytes the offsets give.
        Path file = rawFile("{\"w\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904],"
                + "\"data_offsets\":[0,0]}}", 0);
        ModelFileException e = assertThrows(ModelFileException.class, () -> SafetensorsFile.open(file));
        assertEquals("w", e.entry());
        assertTrue(e.getMessage().endsWith("has tensor 'w' with shape [4611686018427387904] whose size does not "
                + "fit in 64 bits; the header is damaged"), e.getMessage());
        Path product = rawFile("{\"w\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],"
                + "\"data_offsets\":[0,0]}}", 0);
        e = assertThrows(ModelFileException.class, () -> SafetensorsFile.open(product));
        assertTrue(e.getMessage().contains("whose size does not fit in 64 bits"), e.getMessage());
    }

    @Test
    void offsetsThatDisagreeWithTheShapeAreRefused() throws IOException {
        Path file = rawFile("{\"w\":{\"dtype\":\"F16\",\"shape\":[4],\"data_offsets\":[0,16]}}", 16);
        ModelFileException e = assertThrows(ModelFileException.class, () -> SafetensorsFile.open(file));
        assertTrue(e.getMessage().contains("needs 8 bytes"), e.getMessage());
    }

    @Test
    void headerLengthBeyondTheFileIsAClearError() throws IOException {
        Path file = dir.resolve("trunc.safetensors");
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1000).putLong(0);
        Files.write(file, b.array());
        ModelFileException e = assertThrows(ModelFileException.class, () -> SafetensorsFile.open(file));
        assertTrue(e.getMessage().contains("declares a header of 1000 bytes but the file has 8 bytes"),
                e.getMessage());
    }

    @Test
    void headerThatIsNotJsonIsAClearError() throws IOException {
        Path file = rawFile("{not json", 0);
        ModelFileException e = assertThrows(ModelFileException.class, () -> SafetensorsFile.open(file));
        assertTrue(e.getMessage().contains("header that is not valid JSON"), e.getMessage());
    }

    @Test
    void unknownDtypeAndOverlapsAreRefused() throws IOException {
        Path unknown = rawFile("{\"w\":{\"dtype\":\"Q4\",\"shape\":[1],\"data_offsets\":[0,1]}}", 1);
        assertTrue(assertThrows(ModelFileException.class, () -> SafetensorsFile.open(unknown)).getMessage()
                .contains("unknown dtype"));
        Path overlap = rawFile("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8);
        assertTrue(assertThrows(ModelFileException.class, () -> SafetensorsFile.open(overlap)).getMessage()
                .contains("overlapping"));
    }

    @Test
    void folderWithoutWeightsSaysWhatItExpected() {
        ModelFileException e = assertThrows(ModelFileException.class, () -> SafetensorsFolder.open(dir));
        assertTrue(e.getMessage().contains("expected model.safetensors or model.safetensors.index.json"),
                e.getMessage());
    }

    @Test
    void halfPrecisionConversionRoundsToNearestEven() {
        assertEquals((short) 0x3c00, DType.floatToHalf(1f));
        assertEquals((short) 0x7bff, DType.floatToHalf(65504f));
        assertEquals((short) 0x7c00, DType.floatToHalf(70000f));
        assertEquals((short) 0x0001, DType.floatToHalf(0x1p-24f));
        assertEquals(1f + 0x1p-10f, DType.halfToFloat(DType.floatToHalf(1f + 0x1p-10f)));
        assertEquals(1f, DType.halfToFloat(DType.floatToHalf(1f + 0x1p-11f)));
        assertEquals(0x1p-24f, DType.halfToFloat((short) 1));
    }
}
