package org.den4j.lm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.den4j.lm.io.DType;
import org.den4j.lm.io.Qwen2Config;
import org.den4j.lm.io.Safetensors;
import org.den4j.lm.io.SafetensorsFile;
import org.den4j.lm.io.Tensor;
import org.den4j.lm.io.TensorInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoraAdapterTest {
    private static final LoraConfig ALL = new LoraConfig(4, 8, 0.0, Qwen2Model.PROJECTIONS);

    @TempDir
    Path dir;

    /** B is zero after init: make it random so the adapter changes the output. */
    private static void randomizeB(LoraAdapter adapter) {
        for (var e : adapter.parameters().entrySet()) {
            if (e.getKey().contains("lora_B")) {
                NDArray b = e.getValue();
                try (NDArray r = b.getManager().randomNormal(0f, 0.3f, b.getShape(), DataType.FLOAT32)) {
                    b.addi(r);
                }
            }
        }
    }

    @Test
    void newAdapterHasPeftInitialisationAndChangesNothing() {
        try (Qwen2Model model = TinyModels.model(TinyModels.config(), 1);
                LoraAdapter adapter = LoraAdapter.create(model, ALL, 9);
                NDManager m = model.manager().newSubManager()) {
            NDArray a = adapter.parameters().get("base_model.model.model.layers.0.mlp.down_proj.lora_A.weight");
            assertEquals(new Shape(4, 48), a.getShape());
            float bound = (float) (1 / Math.sqrt(48));
            float[] values = a.toFloatArray();
            float max = 0;
            for (float v : values) {
                max = Math.max(max, Math.abs(v));
            }
            assertTrue(max <= bound && max > bound * 0.7, "A ~ U(-1/sqrt(in), 1/sqrt(in)): max " + max);
            assertEquals(0f, adapter.parameters().get("base_model.model.model.layers.0.mlp.down_proj.lora_B.weight")
                    .abs().sum().getFloat());
            NDArray ids = m.create(new long[] {1, 2, 3}, new Shape(1, 3));
            float[] plain = model.forward(ids).toFloatArray();
            model.attachAdapter(adapter);
            assertArrayEquals(plain, model.forward(ids).toFloatArray(), 1e-6f);
        }
    }

    @Test
    void adapterForwardEqualsMergedWeightsForward() {
        try (Qwen2Model model = TinyModels.model(TinyModels.config(), 1);
                LoraAdapter adapter = LoraAdapter.create(model, ALL, 9);
                NDManager m = model.manager().newSubManager()) {
            randomizeB(adapter);
            NDArray ids = m.create(new long[] {1, 2, 3, 40, 41}, new Shape(1, 5));
            float[] plain = model.forward(ids).toFloatArray();
            model.attachAdapter(adapter);
            float[] adapted = model.forward(ids).toFloatArray();
            model.mergeAdapter();
            assertEquals(null, model.adapter());
            float[] merged = model.forward(ids).toFloatArray();
            double diff = 0;
            for (int i = 0; i < plain.length; i++) {
                diff = Math.max(diff, Math.abs(plain[i] - adapted[i]));
            }
            assertTrue(diff > 1, "the adapter must change the logits, max change " + diff);
            assertArrayEquals(adapted, merged, 2e-3f);
        }
    }

    @Test
    void peftFilesRoundTripWithPeftNamesShapesAndConfigKeys() throws Exception {
        LoraConfig config = new LoraConfig(4, 16, 0.05, List.of("q_proj", "v_proj", "down_proj"));
        Path out = dir.resolve("adapter");
        try (Qwen2Model model = TinyModels.model(TinyModels.config(), 1);
                LoraAdapter adapter = LoraAdapter.create(model, config, 9)) {
            randomizeB(adapter);
            adapter.save(out, "den4j/tiny");
            try (SafetensorsFile st = SafetensorsFile.open(out.resolve(LoraAdapter.WEIGHTS_FILE))) {
                assertEquals(2 * 2 * 3, st.tensors().size());
                TensorInfo qa = st.tensor("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight");
                assertArrayEquals(new long[] {4, 32}, qa.shape());
                assertEquals(DType.F32, qa.dtype());
                assertArrayEquals(new long[] {16, 4},
                        st.tensor("base_model.model.model.layers.1.self_attn.v_proj.lora_B.weight").shape());
                assertArrayEquals(new long[] {32, 4},
                        st.tensor("base_model.model.model.layers.1.mlp.down_proj.lora_B.weight").shape());
                assertArrayEquals(adapter.parameters().get("base_model.model.model.layers.1.mlp.down_proj.lora_B.weight")
                        .toFloatArray(), st.floats("base_model.model.model.layers.1.mlp.down_proj.lora_B.weight"));
            }
            JsonNode json = new ObjectMapper().readTree(out.resolve(LoraAdapter.CONFIG_FILE).toFile());
            assertEquals("LORA", json.get("peft_type").asText());
            assertEquals("CAUSAL_LM", json.get("task_type").asText());
            assertEquals(4, json.get("r").asInt());
            assertEquals(16, json.get("lora_alpha").asInt());
            assertEquals(0.05, json.get("lora_dropout").asDouble());
            assertEquals("none", json.get("bias").asText());
            assertEquals("den4j/tiny", json.get("base_model_name_or_path").asText());
            List<String> targets = new ArrayList<>();
            json.get("target_modules").forEach(t -> targets.add(t.asText()));
            assertEquals(List.of("down_proj", "q_proj", "v_proj"), targets);
            try (NDManager m = model.manager().newSubManager()) {
                NDArray ids = m.create(new long[] {5, 6, 7}, new Shape(1, 3));
                model.attachAdapter(adapter);
                float[] expected = model.forward(ids).toFloatArray();
                model.detachAdapter();
                try (LoraAdapter loaded = LoraAdapter.load(out, model)) {
                    assertEquals(config, loaded.config());
                    model.attachAdapter(loaded);
                    assertArrayEquals(expected, model.forward(ids).toFloatArray(), 1e-6f);
                }
            }
        }
    }

    @Test
    void adapterOfAnotherRankIsAClearError() throws Exception {
        Path out = dir.resolve("adapter");
        try (Qwen2Model model = TinyModels.model(TinyModels.config(), 1)) {
            try (LoraAdapter adapter = LoraAdapter.create(model, ALL, 9)) {
                adapter.save(out);
            }
            Path config = out.resolve(LoraAdapter.CONFIG_FILE);
            Files.writeString(config, Files.readString(config).replace("\"r\" : 4", "\"r\" : 8"));
            ModelFileException e = assertThrows(ModelFileException.class, () -> LoraAdapter.load(out, model));
            assertTrue(e.getMessage().contains("its rank differs from r=8"), e.getMessage());
            assertEquals("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight", e.entry());
        }
    }

    @Test
    void adapterForAnotherArchitectureIsAClearError() {
        Path out = dir.resolve("adapter");
        try (Qwen2Model small = TinyModels.model(TinyModels.config(), 1);
                LoraAdapter adapter = LoraAdapter.create(small, ALL, 9)) {
            adapter.save(out);
        }
        Qwen2Config wider = Qwen2Config.of(64, 64, 48, 2, 4, 2);
        try (Qwen2Model other = TinyModels.model(wider, 1)) {
            ModelFileException e = assertThrows(ModelFileException.class, () -> LoraAdapter.load(out, other));
            assertTrue(e.getMessage().contains("the adapter was made for another architecture"), e.getMessage());
        }
        Qwen2Config deeper = Qwen2Config.of(64, 32, 48, 3, 4, 2);
        try (Qwen2Model other = TinyModels.model(deeper, 1)) {
            ModelFileException e = assertThrows(ModelFileException.class, () -> LoraAdapter.load(out, other));
            assertEquals("base_model.model.model.layers.2.self_attn.q_proj.lora_A.weight", e.entry());
            assertTrue(e.getMessage().contains("lack"), e.getMessage());
        }
    }

    @Test
    void adapterFileWithForeignKeysOrTypeIsRefused() throws Exception {
        Path out = dir.resolve("adapter");
        try (Qwen2Model model = TinyModels.model(TinyModels.config(), 1)) {
            try (LoraAdapter adapter = LoraAdapter.create(model, ALL, 9)) {
                adapter.save(out);
            }
            Safetensors.write(out.resolve(LoraAdapter.WEIGHTS_FILE), Map.of("transformer.h.0.attn.c_attn.lora_A.weight",
                    Tensor.ofFloats(DType.F32, new long[] {1}, new float[] {0})), Map.of());
            ModelFileException e = assertThrows(ModelFileException.class, () -> LoraAdapter.load(out, model));
            assertTrue(e.getMessage().contains("made for another architecture"), e.getMessage());
            Path config = out.resolve(LoraAdapter.CONFIG_FILE);
            Files.writeString(config, Files.readString(config).replace("\"LORA\"", "\"IA3\""));
            e = assertThrows(ModelFileException.class, () -> LoraAdapter.load(out, model));
            assertEquals("peft_type", e.entry());
            assertFalse(Files.exists(out.resolve("missing")));
        }
    }
}
