package org.den4j.lm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.List;
import org.den4j.lm.io.DType;
import org.den4j.lm.io.Qwen2Config;
import org.den4j.lm.io.SafetensorsFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Qwen2ModelTest {
    @TempDir
    Path dir;

    @Test
    void rmsNormMatchesHandComputedValues() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray x = m.create(new float[] {1, 2, 3, 4}, new Shape(1, 4));
            NDArray w = m.create(new float[] {1, 1, 2, 0.5f});
            float[] out = Qwen2Model.rmsNorm(x, w, 1e-6).toFloatArray();
            double rms = Math.sqrt((1 + 4 + 9 + 16) / 4.0 + 1e-6);
            assertArrayEquals(new float[] {(float) (1 / rms), (float) (2 / rms), (float) (2 * 3 / rms),
                    (float) (0.5 * 4 / rms)}, out, 1e-6f);
        }
    }

    @Test
    void rotaryEmbeddingMatchesHandComputedValues() {
        // head dim 4, theta 10000: inverse frequencies 1 and 1/100; half-split rotation
        Qwen2Config config = Qwen2Config.of(16, 8, 8, 1, 2, 1);
        try (Qwen2Model model = Qwen2Model.randomInit(config, 1, Device.cpu(), DataType.FLOAT32);
                NDManager m = model.manager().newSubManager()) {
            NDArray[] rope = model.rope(m.create(new long[] {0, 1, 5}, new Shape(1, 3)));
            NDArray q = m.create(new float[] {1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4}, new Shape(1, 1, 3, 4));
            float[] out = model.applyRope(q, rope[0], rope[1]).toFloatArray();
            for (int p : new int[] {0, 1, 5}) {
                int row = p == 0 ? 0 : p == 1 ? 1 : 2;
                double a = p * 1.0;
                double b = p * 0.01;
                float[] expected = {(float) (Math.cos(a) - 3 * Math.sin(a)), (float) (2 * Math.cos(b) - 4 * Math.sin(b)),
                        (float) (3 * Math.cos(a) + Math.sin(a)), (float) (4 * Math.cos(b) + 2 * Math.sin(b))};
                float[] actual = java.util.Arrays.copyOfRange(out, row * 4, row * 4 + 4);
                assertArrayEquals(expected, actual, 1e-5f, "position " + p);
            }
        }
    }

    @Test
    void cachedGenerationEqualsUncachedGeneration() {
        try (Qwen2Model model = TinyModels.model(TinyModels.config(), 7)) {
            Generator generator = new Generator(model, null);
            GenerationConfig greedy = GenerationConfig.greedy(20).withStopTokenIds(List.of(-1));
            int[] prompt = {5, 9, 12, 3};
            int[] cached = generator.generate(prompt, greedy);
            int[] uncached = generator.generate(prompt, greedy.withCache(false));
            assertEquals(20, cached.length);
            assertArrayEquals(uncached, cached);
        }
    }

    @Test
    void incrementalLogitsWithCacheEqualFullForward() {
        try (Qwen2Model model = TinyModels.model(TinyModels.config(), 3);
                NDManager m = model.manager().newSubManager();
                KvCache cache = model.newCache()) {
            long[] ids = {4, 8, 15, 16, 23, 42};
            float[] full = model.forward(m.create(ids, new Shape(1, 6))).toFloatArray();
            long[][] mask = {{1, 1, 1, 1}};
            model.forward(m.create(new long[] {4, 8, 15, 16}, new Shape(1, 4)), mask, cache, false).close();
            float[] fifth = model.forward(m.create(new long[] {23}, new Shape(1, 1)), new long[][] {{1, 1, 1, 1, 1}},
                    cache, true).toFloatArray();
            float[] sixth = model.forward(m.create(new long[] {42}, new Shape(1, 1)), new long[][] {{1, 1, 1, 1, 1, 1}},
                    cache, true).toFloatArray();
            assertArrayEquals(java.util.Arrays.copyOfRange(full, 4 * 64, 5 * 64), fifth, 1e-3f);
            assertArrayEquals(java.util.Arrays.copyOfRange(full, 5 * 64, 6 * 64), sixth, 1e-3f);
            assertEquals(6, cache.length());
        }
    }

    @Test
    void leftPaddedBatchGivesTheSameTokensAsSinglePrompts() {
        try (Qwen2Model model = TinyModels.model(TinyModels.config(), 11)) {
            Generator generator = new Generator(model, null);
            GenerationConfig greedy = GenerationConfig.greedy(8).withStopTokenIds(List.of(-1));
            int[] shortPrompt = {7, 1};
            int[] longPrompt = {3, 30, 31, 2, 9};
            List<int[]> batch = generator.generate(List.of(shortPrompt, longPrompt), greedy);
            assertArrayEquals(generator.generate(shortPrompt, greedy), batch.get(0));
            assertArrayEquals(generator.generate(longPrompt, greedy), batch.get(1));
        }
    }

    @Test
    void stopTokenEndsGenerationAndIsNotReturned() {
        try (Qwen2Model model = TinyModels.model(TinyModels.config(), 7)) {
            Generator generator = new Generator(model, null);
            int[] free = generator.generate(new int[] {5, 9}, GenerationConfig.greedy(10).withStopTokenIds(List.of(-1)));
            int stop = free[3];
            int[] stopped = generator.generate(new int[] {5, 9}, GenerationConfig.greedy(10)
                    .withStopTokenIds(List.of(stop)));
            int firstStop = 0;
            while (free[firstStop] != stop) {
                firstStop++;
            }
            assertArrayEquals(java.util.Arrays.copyOf(free, firstStop), stopped);
        }
    }

    @Test
    void samplingIsReproducibleWithASeedAndRespectsTopK() {
        try (Qwen2Model model = TinyModels.model(TinyModels.config(), 5)) {
            Generator generator = new Generator(model, null);
            GenerationConfig sampled = GenerationConfig.sampling(12, 1.5, 0.95, 123).withStopTokenIds(List.of(-1));
            int[] a = generator.generate(new int[] {1, 2}, sampled);
            assertArrayEquals(a, generator.generate(new int[] {1, 2}, sampled));
            int[] greedy = generator.generate(new int[] {1, 2}, GenerationConfig.greedy(12).withStopTokenIds(List.of(-1)));
            assertArrayEquals(greedy, generator.generate(new int[] {1, 2}, sampled.withTopK(1)));
        }
    }

    @Test
    void savedFolderLoadsBackWithTheSameLogits() {
        try (Qwen2Model model = TinyModels.model(TinyModels.config().withTiedEmbeddings(true), 2);
                NDManager m = model.manager().newSubManager()) {
            float[] before = model.forward(m.create(new long[] {1, 2, 3}, new Shape(1, 3))).toFloatArray();
            model.save(dir.resolve("f32"));
            model.save(dir.resolve("bf16"), DType.BF16, Long.MAX_VALUE);
            try (SafetensorsFile st = SafetensorsFile.open(dir.resolve("f32/model.safetensors"))) {
                assertTrue(!st.contains("lm_head.weight") && st.contains("model.layers.1.mlp.down_proj.weight"));
            }
            try (Qwen2Model loaded = Qwen2Model.load(dir.resolve("f32"), Device.cpu(), DataType.FLOAT32);
                    Qwen2Model bf16 = Qwen2Model.load(dir.resolve("bf16"), Device.cpu(), DataType.FLOAT32);
                    Qwen2Model half = Qwen2Model.load(dir.resolve("f32"), Device.cpu(), DataType.FLOAT16)) {
                NDArray ids = m.create(new long[] {1, 2, 3}, new Shape(1, 3));
                assertArrayEquals(before, loaded.forward(ids).toFloatArray(), 1e-5f);
                float[] fromBf16 = bf16.forward(ids).toFloatArray();
                float[] fromHalf = half.forward(ids).toFloatArray();
                assertEquals(Generator.argmax(before), Generator.argmax(fromBf16));
                double scale = 0;
                for (float v : before) {
                    scale = Math.max(scale, Math.abs(v));
                }
                for (int i = 0; i < before.length; i++) {
                    assertEquals(before[i], fromBf16[i], 0.05 * scale, "bf16 logit " + i);
                    assertEquals(before[i], fromHalf[i], 0.02 * scale, "f16 logit " + i);
                }
                assertEquals("bfloat16", Qwen2Config.read(dir.resolve("bf16")).torchDtype());
            }
        }
    }

    @Test
    void weightsOfAnotherShapeAreAClearError() throws Exception {
        try (Qwen2Model model = TinyModels.model(TinyModels.config(), 2)) {
            model.save(dir);
        }
        Qwen2Config other = Qwen2Config.of(64, 32, 64, 2, 4, 2);
        other.write(dir.resolve("config.json"));
        ModelFileException e = assertThrows(ModelFileException.class,
                () -> Qwen2Model.load(dir, Device.cpu(), DataType.FLOAT32));
        assertEquals("model.layers.0.mlp.gate_proj.weight", e.entry());
        assertTrue(e.getMessage().contains("has shape [48, 32] but config.json calls for [64, 32]"), e.getMessage());
    }

    @Test
    void bfloat16ComputeAndAbsentDevicesAreClearErrors() {
        DeviceNotAvailableException bf16 = assertThrows(DeviceNotAvailableException.class,
                () -> Devices.precision("bf16", Device.cpu()));
        assertTrue(bf16.getMessage().contains("choose float16 (GPU) or float32 (CPU)"), bf16.getMessage());
        DeviceNotAvailableException cuda = assertThrows(DeviceNotAvailableException.class,
                () -> Devices.resolve("cuda"));
        assertTrue(cuda.getMessage().contains("PyTorch sees 0 CUDA GPU(s)") && cuda.getMessage().contains("--device cpu"),
                cuda.getMessage());
        assertEquals(Device.cpu(), Devices.resolve("cpu"));
    }
}
