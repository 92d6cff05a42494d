package org.den4j.lm.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.den4j.den.ProgressListener;
import org.den4j.lm.LmException;
import org.den4j.lm.ModelFileException;
import org.den4j.lm.io.Qwen2Config;
import org.den4j.lm.io.SafetensorsFolder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Qwen2GgufExportTest {
    @TempDir
    static Path dir;
    static Path model;
    static Qwen2Config config;

    @BeforeAll
    static void writeModel() {
        model = dir.resolve("tiny");
        config = TinyModel.write(model, false, 7);
    }

    @Test
    void f32ExportReadsBackWithQwen2MetadataAndReversedDimensions() {
        Path out = dir.resolve("tiny-f32.gguf");
        Qwen2GgufExport.export(model, GgmlType.F32, out, ProgressListener.NONE);
        GgufFile gguf = GgufFile.read(out);
        Map<String, Object> m = gguf.metadata();
        assertEquals(3, gguf.version());
        assertEquals("qwen2", m.get("general.architecture"));
        assertEquals(32L, m.get("general.alignment"));
        assertEquals(64L, m.get("qwen2.embedding_length"));
        assertEquals(2L, m.get("qwen2.block_count"));
        assertEquals(128L, m.get("qwen2.feed_forward_length"));
        assertEquals(4L, m.get("qwen2.attention.head_count"));
        assertEquals(2L, m.get("qwen2.attention.head_count_kv"));
        assertEquals(2048L, m.get("qwen2.context_length"));
        assertEquals(10000f, m.get("qwen2.rope.freq_base"));
        assertEquals(1e-6f, m.get("qwen2.attention.layer_norm_rms_epsilon"));
        assertEquals("gpt2", m.get("tokenizer.ggml.model"));
        assertEquals("qwen2", m.get("tokenizer.ggml.pre"));
        assertEquals(500, ((List<?>) m.get("tokenizer.ggml.tokens")).size());
        assertEquals(500 - 256 - 3, ((List<?>) m.get("tokenizer.ggml.merges")).size());
        assertEquals(3, ((List<?>) m.get("tokenizer.ggml.token_type")).get(497));
        assertEquals(1, ((List<?>) m.get("tokenizer.ggml.token_type")).get(0));
        assertEquals(497L, m.get("tokenizer.ggml.eos_token_id"));
        assertEquals(497L, m.get("tokenizer.ggml.padding_token_id"));
        assertTrue(((String) m.get("tokenizer.chat_template")).contains("<|im_start|>"));
        assertEquals(3 + 2 * 12, gguf.tensors().size());
        GgufTensorInfo q = gguf.tensors().get("blk.1.attn_q.weight");
        assertArrayEquals(new long[] {64, 64}, q.dims());
        GgufTensorInfo k = gguf.tensors().get("blk.0.attn_k.weight");
        assertArrayEquals(new long[] {64, 32}, k.dims(), "GGUF dims are PyTorch's shape reversed");
        assertArrayEquals(new long[] {64, 500}, gguf.tensors().get("output.weight").dims());
        for (GgufTensorInfo t : gguf.tensors().values()) {
            assertEquals(0, (gguf.dataOffset() + t.offset()) % 32, t.name() + " is aligned");
        }
        try (SafetensorsFolder weights = SafetensorsFolder.open(model)) {
            assertArrayEquals(weights.floats("model.layers.0.self_attn.k_proj.weight"),
                    gguf.floats("blk.0.attn_k.weight"));
            assertArrayEquals(weights.floats("model.layers.1.self_attn.v_proj.bias"), gguf.floats("blk.1.attn_v.bias"));
            assertArrayEquals(weights.floats("lm_head.weight"), gguf.floats("output.weight"));
        }
    }

    @Test
    void q80AndF16KeepNormsInF32AndValuesClose() {
        for (GgmlType type : List.of(GgmlType.F16, GgmlType.Q8_0)) {
            Path out = dir.resolve("tiny-" + type + ".gguf");
            Qwen2GgufExport.export(model, type, out, ProgressListener.NONE);
            GgufFile gguf = GgufFile.read(out);
            assertEquals(GgmlType.F32, gguf.tensors().get("blk.0.attn_norm.weight").type());
            assertEquals(GgmlType.F32, gguf.tensors().get("blk.0.attn_q.bias").type());
            assertEquals(type, gguf.tensors().get("blk.0.ffn_down.weight").type());
            try (SafetensorsFolder weights = SafetensorsFolder.open(model)) {
                float[] expected = weights.floats("model.layers.0.mlp.down_proj.weight");
                float[] actual = gguf.floats("blk.0.ffn_down.weight");
                double worst = 0;
                for (int i = 0; i < expected.length; i++) {
                    worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
                }
                assertTrue(worst < (type == GgmlType.F16 ? 1e-3 : 1e-2), type + " error " + worst);
                assertTrue(worst > 0, "the values were really converted to " + type);
            }
        }
    }

    @Test
    void q80BlocksMatchLlamaCppsReferenceQuantiser() {
        float[] values = new float[32];
        for (int i = 0; i < 32; i++) {
            values[i] = (i - 10) * 0.25f;
        }
        java.nio.ByteBuffer block = GgmlType.Q8_0.encode(values);
        assertEquals(34, block.remaining());
        // d = 5.25 / 127; x = 5.25 quantises to 127, x = -2.5 to round(-60.476) = -60
        assertEquals(127, block.get(2 + 31));
        assertEquals(-60, block.get(2));
        assertEquals(0, block.get(2 + 10));
    }

    @Test
    void llamaCppLoadsTheExportAndGeneratesGreedily() {
        Path f32 = dir.resolve("llama-f32.gguf");
        Path q8 = dir.resolve("llama-q8_0.gguf");
        Qwen2GgufExport.export(model, GgmlType.F32, f32, ProgressListener.NONE);
        Qwen2GgufExport.export(model, GgmlType.Q8_0, q8, ProgressListener.NONE);
        String prompt = "Patient admitted with";
        String a = LlamaCpp.greedy(f32, prompt, 24);
        String b = LlamaCpp.greedy(f32, prompt, 24);
        String q = LlamaCpp.greedy(q8, prompt, 24);
        System.out.println("llama.cpp F32: " + a + "\nllama.cpp Q8_0: " + q);
        assertFalse(a.isEmpty(), "llama.cpp generated text");
        assertEquals(a, b, "greedy generation is repeatable");
        int common = 0;
        while (common < Math.min(a.length(), q.length()) && a.charAt(common) == q.charAt(common)) {
            common++;
        }
        assertTrue(common >= Math.min(a.length(), 10), "Q8_0 starts like F32: [" + a + "] vs [" + q + "]");
    }

    @Test
    void tiedEmbeddingsExportWithoutAnOutputTensorAndLoadInLlamaCpp(@TempDir Path tmp) {
        Path tied = tmp.resolve("tied");
        TinyModel.write(tied, true, 3);
        Path out = tmp.resolve("tied.gguf");
        Qwen2GgufExport.export(tied, GgmlType.F32, out, ProgressListener.NONE);
        assertFalse(GgufFile.read(out).tensors().containsKey("output.weight"));
        assertFalse(LlamaCpp.greedy(out, "Patient", 4) == null);
    }

    @Test
    void missingFolderTensorAndVocabularyMismatchAreNamed(@TempDir Path tmp) throws Exception {
        Path missing = tmp.resolve("absent");
        LmException e = assertThrows(LmException.class,
                () -> Qwen2GgufExport.export(missing, GgmlType.F32, tmp.resolve("x.gguf"), ProgressListener.NONE));
        assertTrue(e.getMessage().contains("model folder " + missing + " does not exist"), e.getMessage());

        Path bigger = tmp.resolve("bigger");
        TinyModel.write(bigger, false, 1);
        Qwen2Config small = Qwen2Config.read(bigger).withTiedEmbeddings(false);
        new Qwen2Config(400, small.hiddenSize(), small.intermediateSize(), small.numHiddenLayers(),
                small.numAttentionHeads(), small.numKeyValueHeads(), small.rmsNormEps(), small.ropeTheta(), false,
                small.maxPositionEmbeddings(), null, List.of(), "float32").write(bigger.resolve("config.json"));
        e = assertThrows(ModelFileException.class,
                () -> Qwen2GgufExport.export(bigger, GgmlType.F32, tmp.resolve("x.gguf"), ProgressListener.NONE));
        assertTrue(e.getMessage().contains("has 500 tokens but config.json says vocab_size 400"), e.getMessage());

        Path hugeVocabulary = tmp.resolve("huge");
        TinyModel.write(hugeVocabulary, false, 1);
        new Qwen2Config(2_000_000, small.hiddenSize(), small.intermediateSize(), small.numHiddenLayers(),
                small.numAttentionHeads(), small.numKeyValueHeads(), small.rmsNormEps(), small.ropeTheta(), false,
                small.maxPositionEmbeddings(), null, List.of(), "float32")
                .write(hugeVocabulary.resolve("config.json"));
        e = assertThrows(ModelFileException.class, () -> Qwen2GgufExport.export(hugeVocabulary, GgmlType.F32,
                tmp.resolve("x.gguf"), ProgressListener.NONE));
        assertTrue(e.getMessage().endsWith("says vocab_size 2000000 and hidden_size " + small.hiddenSize()
                + " but model.embed_tokens.weight has shape [500, " + small.hiddenSize() + "]; the config does not "
                + "belong to these weights"), e.getMessage());

        Path fewerLayers = tmp.resolve("layers");
        TinyModel.write(fewerLayers, false, 1);
        new Qwen2Config(500, 64, 128, 3, 4, 2, 1e-6, 10000, false, 2048, null, List.of(), "float32")
                .write(fewerLayers.resolve("config.json"));
        e = assertThrows(ModelFileException.class,
                () -> Qwen2GgufExport.export(fewerLayers, GgmlType.F32, tmp.resolve("x.gguf"), ProgressListener.NONE));
        assertTrue(e.getMessage().contains("lack tensor model.layers.2.input_layernorm.weight"), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("x.gguf")), "nothing half-written");
    }

    @Test
    void readerRejectsFilesThatAreNotGgufOrTruncated(@TempDir Path tmp) throws Exception {
        Path text = tmp.resolve("model.gguf");
        Files.writeString(text, "not a model at all");
        ModelFileException e = assertThrows(ModelFileException.class, () -> GgufFile.read(text));
        assertEquals("file " + text + " is not a GGUF file: it starts with 'not ' instead of 'GGUF'", e.getMessage());

        Path full = tmp.resolve("full.gguf");
        Qwen2GgufExport.export(model, GgmlType.F16, full, ProgressListener.NONE);
        byte[] bytes = Files.readAllBytes(full);
        Path cut = tmp.resolve("cut.gguf");
        Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length - 1000));
        e = assertThrows(ModelFileException.class, () -> GgufFile.read(cut));
        assertTrue(e.getMessage().contains("the file is truncated"), e.getMessage());
        Files.write(cut, java.util.Arrays.copyOf(bytes, 100));
        e = assertThrows(ModelFileException.class, () -> GgufFile.read(cut));
        assertTrue(e.getMessage().contains("ends early, inside its header"), e.getMessage());
    }

    @Test
    void unknownDtypeNamesTheChoices() {
        LmException e = assertThrows(LmException.class, () -> GgmlType.ofName("q4_k"));
        assertEquals("'q4_k' is not a GGUF dtype den4j writes; use f32, f16 or q8_0", e.getMessage());
    }
}
