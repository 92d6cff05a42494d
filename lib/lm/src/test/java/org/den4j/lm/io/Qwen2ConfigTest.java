package org.den4j.lm.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.den4j.lm.ModelFileException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Qwen2ConfigTest {
    @TempDir
    Path dir;

    @Test
    void writtenConfigReadsBackEqual() {
        Qwen2Config config = Qwen2Config.of(300, 64, 96, 2, 4, 2).withTiedEmbeddings(true)
                .withSpecialTokens(1, List.of(2, 3)).withRope(1e6, 1e-5, 512).withTorchDtype("bfloat16");
        config.write(dir.resolve("config.json"));
        assertEquals(config, Qwen2Config.read(dir));
        assertEquals(16, config.headDim());
    }

    @Test
    void readsTheKeysOfARealQwen2Config() throws IOException {
        Files.writeString(dir.resolve("config.json"), """
                {"architectures": ["Qwen2ForCausalLM"], "bos_token_id": 151643, "eos_token_id": 151643,
                 "hidden_act": "silu", "hidden_size": 1536, "intermediate_size": 8960,
                 "max_position_embeddings": 131072, "model_type": "qwen2", "num_attention_heads": 12,
                 "num_hidden_layers": 28, "num_key_value_heads": 2, "rms_norm_eps": 1e-06, "rope_theta": 10000,
                 "sliding_window": 4096, "tie_word_embeddings": false, "torch_dtype": "bfloat16",
                 "use_sliding_window": false, "vocab_size": 151936}
                """);
        Qwen2Config c = Qwen2Config.read(dir.resolve("config.json"));
        assertEquals(128, c.headDim());
        assertEquals(List.of(151643), c.eosTokenIds());
        assertEquals("bfloat16", c.torchDtype());
        assertEquals(1_777_088_000L, c.parameterCount());
    }

    @Test
    void missingKeyIsNamedWithTheFile() throws IOException {
        Path file = dir.resolve("config.json");
        Files.writeString(file, "{\"model_type\":\"qwen2\",\"vocab_size\":10,\"hidden_size\":8,"
                + "\"intermediate_size\":16,\"num_hidden_layers\":1,\"num_attention_heads\":2}");
        ModelFileException e = assertThrows(ModelFileException.class, () -> Qwen2Config.read(file));
        assertEquals("num_key_value_heads", e.entry());
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("lacks \"num_key_value_heads\""),
                e.getMessage());
    }

    @Test
    void absurdSizesAreRefusedBeforeAnythingIsAllocated() throws IOException {
        Path file = dir.resolve("config.json");
        Files.writeString(file, "{\"vocab_size\":100000000,\"hidden_size\":8,\"intermediate_size\":16,"
                + "\"num_hidden_layers\":1,\"num_attention_heads\":2,\"num_key_value_heads\":1}");
        ModelFileException e = assertThrows(ModelFileException.class, () -> Qwen2Config.read(file));
        assertEquals("vocab_size", e.entry());
        assertTrue(e.getMessage().endsWith("vocab_size must be between 1 and 16777216, got 100000000"),
                e.getMessage());

        Files.writeString(file, "{\"vocab_size\":10,\"hidden_size\":8,\"intermediate_size\":16,"
                + "\"num_hidden_layers\":2147483647,\"num_attention_heads\":2,\"num_key_value_heads\":1}");
        e = assertThrows(ModelFileException.class, () -> Qwen2Config.read(file));
        assertEquals("num_hidden_layers", e.entry());
        assertTrue(e.getMessage().endsWith("num_hidden_layers must be between 1 and 1024, got 2147483647"),
                e.getMessage());
    }

    @Test
    void inconsistentHeadsAreNamed() throws IOException {
        Path file = dir.resolve("config.json");
        Files.writeString(file, "{\"vocab_size\":10,\"hidden_size\":8,\"intermediate_size\":16,"
                + "\"num_hidden_layers\":1,\"num_attention_heads\":2,\"num_key_value_heads\":3}");
        ModelFileException e = assertThrows(ModelFileException.class, () -> Qwen2Config.read(file));
        assertEquals("num_key_value_heads", e.entry());
        assertTrue(e.getMessage().contains("num_key_value_heads (3) must divide num_attention_heads (2)"),
                e.getMessage());
    }

    @Test
    void anotherArchitectureIsRefused() throws IOException {
        Path file = dir.resolve("config.json");
        Files.writeString(file, "{\"model_type\":\"llama\"}");
        ModelFileException e = assertThrows(ModelFileException.class, () -> Qwen2Config.read(file));
        assertTrue(e.getMessage().contains("model_type \"llama\""), e.getMessage());
    }

    @Test
    void missingFileSaysWhatAFolderNeeds() {
        ModelFileException e = assertThrows(ModelFileException.class, () -> Qwen2Config.read(dir));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }
}
