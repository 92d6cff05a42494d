package org.den4j.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.den4j.den.DataType;
import org.den4j.den.Den;
import org.den4j.den.DenConfig;
import org.den4j.den.DenInputException;
import org.den4j.den.ExternalSources;
import org.den4j.den.IoSpec;
import org.den4j.den.ModelInfo;
import org.den4j.den.ModelMetadata;
import org.den4j.den.PushResult;
import org.den4j.hub.internal.ModelCard;
import org.den4j.hub.testhub.LocalHub;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HubSourceTest {
    static final String CONFIG = """
            {"architectures": ["Qwen2ForCausalLM"], "model_type": "qwen2", "hidden_size": 64,
             "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2,
             "intermediate_size": 128, "vocab_size": 1000, "tie_word_embeddings": true,
             "torch_dtype": "bfloat16"}""";
    static final String README = """
            ---
            license: apache-2.0
            tags: [medical, icd]
            pipeline_tag: text-generation
            library_name: transformers
            ---
            # tiny coder
            """;

    @TempDir
    Path tmp;
    LocalHub hub;
    String commit;
    Map<String, String> env;

    @BeforeEach
    void start() {
        hub = LocalHub.start();
        hub.createRepo("acme/tiny-qwen");
        commit = hub.commit("acme/tiny-qwen", "main", Map.of("config.json", CONFIG.getBytes(StandardCharsets.UTF_8),
                "README.md", README.getBytes(StandardCharsets.UTF_8), "model.safetensors", new byte[4096]));
        env = Map.of("HF_ENDPOINT", hub.baseUrl(), "HF_HUB_CACHE", tmp.resolve("hf").toString());
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    Den den() {
        return Den.open(DenConfig.defaults().withPath(tmp.resolve("den")), ExternalSources.fromEnvironment(env));
    }

    @Test
    void fetchReturnsTheHubCacheSnapshotAndStoresNothing() throws Exception {
        try (Den den = den()) {
            Path dir = den.fetch("hf:acme/tiny-qwen@main");
            assertEquals(tmp.resolve("hf/models--acme--tiny-qwen/snapshots/" + commit), dir);
            assertEquals(4096, Files.size(dir.resolve("model.safetensors")));
            assertTrue(den.list().isEmpty());
            assertEquals(dir, den.fetch("hf:acme/tiny-qwen"));
        }
    }

    @Test
    void importRegistersMetadataFromConfigAndModelCard() {
        try (Den den = den()) {
            PushResult pushed = den.importExternal("hf:acme/tiny-qwen@main");
            ModelInfo model = pushed.model();
            assertEquals("acme/tiny-qwen", model.name());
            assertEquals(List.of("medical", "icd"), model.tags());
            ModelMetadata meta = model.metadata();
            assertEquals("Qwen2ForCausalLM", meta.architecture());
            assertEquals(ModelMetadata.DECODER_ONLY, meta.modelType());
            assertEquals("apache-2.0", meta.license());
            assertEquals(List.of(new IoSpec("input_ids", DataType.TOKENS, List.of(-1L, -1L), "int64",
                    "token ids, batch x sequence", false)), meta.inputs().subList(0, 1));
            assertEquals("attention_mask", meta.inputs().get(1).name());
            assertTrue(meta.inputs().get(1).optional());
            IoSpec logits = meta.outputs().get(0);
            assertEquals("logits", logits.name());
            assertEquals(DataType.LOGITS, logits.dataType());
            assertEquals(List.of(-1L, -1L, 1000L), logits.shape());
            assertEquals("bfloat16", logits.dtype());
            assertEquals(1000, ((Number) meta.hfConfig().get("vocab_size")).intValue());
            // embeddings 1000*64 (tied) + 2 layers * (q,o 64*64 each + k,v 64*2*16 each + mlp 3*64*128 + 2 norms
            // of 64) + final norm 64
            long perLayer = 2 * 64 * 64 + 2 * 64 * 2 * 16 + 3 * 64 * 128 + 2 * 64;
            assertEquals(Long.toString(1000 * 64 + 2 * perLayer + 64), meta.extra().get("parameters_estimate"));
            assertEquals("138048", meta.extra().get("parameters_estimate"));
            assertEquals(1L, meta.hardware().minMemoryMb());
            assertEquals("main", meta.extra().get("revision"));
            assertEquals(commit, meta.extra().get("commit"));
            assertEquals("text-generation", meta.extra().get("pipeline_tag"));
            assertEquals("transformers", meta.extra().get("library_name"));
            assertEquals(hub.baseUrl().replaceAll("/+$", "") + "/acme/tiny-qwen/tree/" + commit, meta.sourceUrl());
            long size = 4096 + CONFIG.getBytes(StandardCharsets.UTF_8).length
                    + README.getBytes(StandardCharsets.UTF_8).length;
            assertTrue(Long.parseLong(meta.extra().get("size_bytes")) >= size, meta.extra().toString());

            Path fetched = den.fetch("acme/tiny-qwen");
            assertTrue(fetched.startsWith(tmp.resolve("den")), fetched.toString());
            assertEquals(4096, fetched.resolve("model.safetensors").toFile().length());
            assertEquals("acme/tiny-qwen-copy", den.importExternal("hf:acme/tiny-qwen@" + commit, "acme/tiny-qwen-copy",
                    null).model().name());
        }
    }

    @Test
    void unknownRepositoryOrRevisionIsBadInput() {
        try (Den den = den()) {
            DenInputException e = assertThrows(DenInputException.class, () -> den.fetch("hf:acme/missing@main"));
            assertTrue(e.getMessage().startsWith("hf:acme/missing@main: "), e.getMessage());
            assertThrows(DenInputException.class, () -> den.importExternal("hf:acme/tiny-qwen@nope"));
            assertThrows(DenInputException.class, () -> den.fetch("hf:acme/bad--id"));
            DenInputException scheme = assertThrows(DenInputException.class, () -> den.fetch("s3:bucket/model"));
            assertTrue(scheme.getMessage().contains("'s3:'") && scheme.getMessage().contains("hf:"),
                    scheme.getMessage());
        }
    }

    @Test
    void modelTypesAndTasks() {
        assertEquals(ModelMetadata.ENCODER_ONLY, ModelCard.modelType("BertModel", "bert", Map.of()));
        assertEquals(ModelMetadata.ENCODER_ONLY, ModelCard.modelType("RobertaForMaskedLM", "roberta", Map.of()));
        assertEquals(ModelMetadata.ENCODER_DECODER, ModelCard.modelType("T5ForConditionalGeneration", "t5",
                Map.of("is_encoder_decoder", true)));
        assertEquals(ModelMetadata.AUDIO, ModelCard.modelType("WhisperForConditionalGeneration", "whisper",
                Map.of("is_encoder_decoder", true)));
        assertEquals(ModelMetadata.VISION, ModelCard.modelType("ViTForImageClassification", "vit", Map.of()));
        assertEquals("mamba", ModelCard.modelType("MambaForSomething", "mamba", Map.of()));
        ModelMetadata cls = ModelCard.metadata(Map.of("architectures", List.of("BertForSequenceClassification"),
                "model_type", "bert", "id2label", Map.of("0", "neg", "1", "pos", "2", "neutral")),
                ModelCard.FrontMatter.NONE, null, 10);
        assertEquals(List.of(-1L, 3L), cls.outputs().get(0).shape());
        assertEquals("float32", cls.outputs().get(0).dtype());
        assertNull(cls.extra().get("parameters_estimate"));
    }

    @Test
    void frontMatter() {
        assertEquals(ModelCard.FrontMatter.NONE, ModelCard.frontMatter("# no front matter\n"));
        assertEquals(ModelCard.FrontMatter.NONE, ModelCard.frontMatter("---\nlicense: mit\n"));
        ModelCard.FrontMatter card = ModelCard.frontMatter("---\nlicense: mit\ntags: single\n---\ntext");
        assertEquals("mit", card.license());
        assertEquals(List.of("single"), card.tags());
    }
}
