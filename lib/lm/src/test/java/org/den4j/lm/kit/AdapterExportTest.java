package org.den4j.lm.kit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import java.nio.file.Path;
import java.util.List;
import org.den4j.lm.GenerationConfig;
import org.den4j.lm.LanguageModel;
import org.den4j.lm.LoraAdapter;
import org.den4j.lm.LoraConfig;
import org.den4j.lm.gguf.LlamaCpp;
import org.den4j.lm.gguf.TinyModel;
import org.den4j.lm.io.SafetensorsFolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdapterExportTest {
    @Test
    void exportWithAnAdapterFoldsItInAndLlamaCppContinuesAsTheAdaptedModel(@TempDir Path dir) {
        Path model = dir.resolve("tiny");
        TinyModel.write(model, false, 5);
        Path adapterDir = dir.resolve("adapter");
        String prompt = "Patient admitted with";
        String adapted;
        try (LanguageModel lm = LanguageModel.load(model, "cpu", "float32");
                LoraAdapter adapter = LoraAdapter.create(lm.model(), new LoraConfig(4, 8, 0,
                        List.of("q_proj", "v_proj", "up_proj")), 3)) {
            for (var e : adapter.parameters().entrySet()) {
                if (e.getKey().endsWith("lora_B.weight")) {
                    NDArray b = e.getValue();
                    b.addi(b.getManager().randomNormal(0, 0.3f, b.getShape(), b.getDataType()));
                }
            }
            adapter.save(adapterDir, model.toString());
            lm.model().attachAdapter(adapter);
            adapted = lm.generate(prompt, GenerationConfig.greedy(24));
            lm.model().detachAdapter();
            String base = lm.generate(prompt, GenerationConfig.greedy(24));
            assertTrue(!adapted.equals(base), "the adapter changes the continuation: " + adapted);
        }

        Path merged = dir.resolve("merged");
        ModelKitTest.Run run = ModelKitTest.run(ExportModelCommand.commandLine(), "--model", model.toString(),
                "--adapter", adapterDir.toString(), "--format", "safetensors", "--out", merged.toString());
        assertEquals(0, run.exit(), run.err());
        try (SafetensorsFolder before = SafetensorsFolder.open(model); SafetensorsFolder after = SafetensorsFolder.open(merged)) {
            float[] k0 = before.floats("model.layers.0.self_attn.k_proj.weight");
            float[] k1 = after.floats("model.layers.0.self_attn.k_proj.weight");
            assertEquals(k0[7], k1[7], "an untargeted projection is unchanged");
            float[] q0 = before.floats("model.layers.0.self_attn.q_proj.weight");
            float[] q1 = after.floats("model.layers.0.self_attn.q_proj.weight");
            assertTrue(Math.abs(q0[7] - q1[7]) > 1e-6, "a targeted projection changed");
        }
        try (LanguageModel lm = LanguageModel.load(merged, "cpu", "float32")) {
            assertEquals(adapted, lm.generate(prompt, GenerationConfig.greedy(24)), "merged = base + adapter");
        }

        Path gguf = dir.resolve("merged.gguf");
        run = ModelKitTest.run(ExportModelCommand.commandLine(), "--model", model.toString(), "--adapter",
                adapterDir.toString(), "--format", "gguf", "--dtype", "f32", "--out", gguf.toString());
        assertEquals(0, run.exit(), run.err());
        assertEquals(adapted, LlamaCpp.greedy(gguf, prompt, 24), "llama.cpp on the merged GGUF = den4j with the adapter");
    }

    @Test
    void anAdapterFolderWithoutConfigIsNamed(@TempDir Path dir) {
        Path model = dir.resolve("tiny");
        TinyModel.write(model, false, 5);
        ModelKitTest.Run run = ModelKitTest.run(ExportModelCommand.commandLine(), "--model", model.toString(),
                "--adapter", dir.toString(), "--format", "safetensors", "--out", dir.resolve("m").toString());
        assertEquals(2, run.exit());
        assertTrue(run.err().contains("adapter folder " + dir + " has no adapter_config.json"), run.err());
    }
}
