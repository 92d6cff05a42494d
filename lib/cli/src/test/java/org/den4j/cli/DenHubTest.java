package org.den4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.den4j.den.format.Json;
import org.den4j.hub.testhub.LocalHub;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code den fetch hf:...} and {@code den import hf:...} against a {@link LocalHub}. */
class DenHubTest {
    static final String CONFIG = """
            {"architectures": ["Qwen2ForCausalLM"], "model_type": "qwen2", "hidden_size": 64,
             "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2,
             "intermediate_size": 128, "vocab_size": 1000, "tie_word_embeddings": true,
             "torch_dtype": "bfloat16"}""";
    static final String README = "---\nlicense: apache-2.0\ntags: [medical, icd]\n---\n# tiny\n";

    @TempDir
    Path tmp;
    LocalHub hub;
    String commit;
    Cli cli;

    @BeforeEach
    void start() {
        hub = LocalHub.start();
        hub.createRepo("acme/tiny-qwen");
        commit = hub.commit("acme/tiny-qwen", "main", Map.of("config.json", CONFIG.getBytes(StandardCharsets.UTF_8),
                "README.md", README.getBytes(StandardCharsets.UTF_8), "model.safetensors", new byte[2048]));
        cli = new Cli(tmp.resolve("den"), Map.of("HF_ENDPOINT", hub.baseUrl(),
                "HF_HUB_CACHE", tmp.resolve("hf").toString()));
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    @Test
    void fetchPrintsTheSnapshotFolder() {
        Cli.Result r = cli.den("fetch", "hf:acme/tiny-qwen@main");
        assertEquals(0, r.exit(), r.toString());
        Path dir = Path.of(r.out().trim());
        assertEquals(tmp.resolve("hf/models--acme--tiny-qwen/snapshots/" + commit), dir);
        assertTrue(Files.isRegularFile(dir.resolve("model.safetensors")));
        assertFalse(Files.exists(tmp.resolve("den")), "fetch hf: neither opens nor creates the den");
    }

    @Test
    void importRegistersTheHubModelWithItsMetadata() throws Exception {
        Cli.Result r = cli.den("import", "hf:acme/tiny-qwen@main");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().startsWith("acme/tiny-qwen@1 sha256:"), r.out());
        JsonNode json = Json.MAPPER.readTree(cli.den("show", "acme/tiny-qwen", "--json").out());
        JsonNode meta = json.get("metadata");
        assertEquals("Qwen2ForCausalLM", meta.get("architecture").asText());
        assertEquals("decoder-only", meta.get("modelType").asText());
        assertEquals("apache-2.0", meta.get("license").asText());
        assertEquals("[\"medical\",\"icd\"]", json.get("tags").toString());
        assertEquals("input_ids", meta.get("inputs").get(0).get("name").asText());
        assertEquals("[-1,-1,1000]", meta.get("outputs").get(0).get("shape").toString());
        assertEquals("138048", meta.get("extra").get("parameters_estimate").asText());
        assertEquals(commit, meta.get("extra").get("commit").asText());

        Cli.Result fetched = cli.den("fetch", "acme/tiny-qwen");
        assertEquals(0, fetched.exit(), fetched.toString());
        assertTrue(Path.of(fetched.out().trim()).startsWith(tmp.resolve("den")), fetched.out());

        Cli.Result named = cli.den("import", "hf:acme/tiny-qwen", "--name", "team/qwen", "-t", "mine");
        assertEquals(0, named.exit(), named.toString());
        JsonNode team = Json.MAPPER.readTree(cli.den("show", "team/qwen", "--json").out());
        assertEquals("[\"mine\"]", team.get("tags").toString());
    }

    @Test
    void unknownRepositoryAndSchemeAreBadInput() {
        Cli.Result missing = cli.den("import", "hf:acme/missing@main");
        assertEquals(2, missing.exit(), missing.toString());
        assertTrue(missing.err().startsWith("den: hf:acme/missing@main: "), missing.err());
        assertTrue(missing.err().contains("Repository Not Found"), missing.err());
        assertEquals(0, cli.den("list").lines().size());
        Cli.Result fetchMissing = cli.den("fetch", "hf:acme/missing");
        assertEquals(2, fetchMissing.exit(), fetchMissing.toString());
        Cli.Result scheme = cli.den("fetch", "s3:bucket/model");
        assertEquals(2, scheme.exit(), scheme.toString());
        assertTrue(scheme.err().contains("'s3:'") && scheme.err().contains("hf:"), scheme.err());
        Cli.Result noName = cli.den("import", tmp.toString());
        assertEquals(2, noName.exit(), noName.toString());
        assertTrue(noName.err().contains("--name"), noName.err());
    }
}
