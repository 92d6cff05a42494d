package org.den4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingConfigTest {
    @TempDir
    Path dir;

    private static Path repoConfig() {
        // Surefire runs in lib/data; the shipped file is two folders up.
        return Path.of("../../config/training-config.yaml");
    }

    @Test
    void shippedConfigReadsAsTheDefaults() {
        TrainingConfig config = TrainingConfig.read(repoConfig());
        TrainingConfig d = TrainingConfig.defaults();
        assertEquals(d.model(), config.model());
        assertEquals(d.lora(), config.lora());
        assertEquals(d.training(), config.training());
        assertEquals(d.data(), config.data());
        assertEquals(d.logging(), config.logging());
        assertEquals("den4j/tiny-qwen2", config.model().name());
        assertNull(config.model().path());
        assertEquals(2.0e-4, config.training().learningRate());
        assertEquals(List.of("q_proj", "k_proj", "v_proj", "o_proj"), config.lora().targetModules());
        assertEquals(Path.of("data/mimic-dataset.duckdb"), config.data().database());
        assertEquals("Predict the medical codes for the following text: chest pain",
                config.data().prompt("chest pain"));
    }

    @Test
    void missingKeysTakeDefaultsAndGivenKeysWin() throws Exception {
        Path file = dir.resolve("t.yaml");
        Files.writeString(file, "model:\n  path: models/qwen\ntraining:\n  learning_rate: 1e-3\n  max_steps: 20\n");
        TrainingConfig config = TrainingConfig.read(file);
        assertEquals(Path.of("models/qwen"), config.model().path());
        assertEquals(1e-3, config.training().learningRate());
        assertEquals(20, config.training().maxSteps());
        assertEquals(4, config.training().batchSize());
        assertEquals(file, config.file());
    }

    @Test
    void unknownKeyIsNamedWithTheFileAndTheKeysAllowed() throws Exception {
        Path file = dir.resolve("t.yaml");
        Files.writeString(file, "training:\n  learning_rat: 1e-3\n");
        TrainingConfigException e = assertThrows(TrainingConfigException.class, () -> TrainingConfig.read(file));
        assertEquals("training.learning_rat", e.key());
        assertEquals(file, e.file());
        assertTrue(e.getMessage().startsWith("Unknown key training.learning_rat in " + file), e.getMessage());
        assertTrue(e.getMessage().contains("learning_rate"), e.getMessage());
    }

    @Test
    void badValueNamesKeyValueFileAndWhatToUse() throws Exception {
        Path file = dir.resolve("t.yaml");
        Files.writeString(file, "lora:\n  r: zero\n");
        TrainingConfigException e = assertThrows(TrainingConfigException.class, () -> TrainingConfig.read(file));
        assertEquals("lora.r", e.key());
        assertEquals("lora.r: \"zero\" in " + file + " is not valid; use a whole number", e.getMessage());

        Files.writeString(file, "model:\n  dtype: float8\n");
        e = assertThrows(TrainingConfigException.class, () -> TrainingConfig.read(file));
        assertEquals("model.dtype: float8 in " + file + " is not valid; use one of float32, float16, bfloat16",
                e.getMessage());

        Files.writeString(file, "data:\n  prompt_template: \"Codes:\"\n");
        e = assertThrows(TrainingConfigException.class, () -> TrainingConfig.read(file));
        assertEquals("data.prompt_template", e.key());
        assertTrue(e.getMessage().contains("no {note} placeholder"), e.getMessage());
    }

    @Test
    void missingFileAndBrokenYamlAreNamed() throws Exception {
        Path missing = dir.resolve("nope.yaml");
        TrainingConfigException e = assertThrows(TrainingConfigException.class, () -> TrainingConfig.read(missing));
        assertEquals("Training configuration " + missing + " does not exist; pass --config FILE, or copy "
                + "config/training-config.yaml from den4j", e.getMessage());

        Path broken = dir.resolve("broken.yaml");
        Files.writeString(broken, "model: [unclosed\n");
        e = assertThrows(TrainingConfigException.class, () -> TrainingConfig.read(broken));
        assertEquals("file", e.key());
        assertTrue(e.getMessage().startsWith(broken + " is not valid YAML at line"), e.getMessage());
    }
}
