package org.den4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.den4j.den.format.Json;
import org.den4j.hub.testhub.LocalHub;
import org.den4j.hub.testhub.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Registry entries without files, batch imports and registry imports through {@code den}, against a {@link LocalHub}. */
class DenEntriesTest {
    static final String PYTHON = """
            model_id: acme/icd-coder
            model_name: ICD coder (MIMIC-IV)
            model_type: decoder-only
            data_type: text
            performance_metrics: {f1_micro: 0.41, inference_time_ms: 120}
            hardware_requirements: {min_memory_gb: 2, recommended_memory_gb: 4, supports_cpu: true, supports_gpu: true}
            supported_backends: [pytorch]
            source_url: https://example.org/icd-coder
            created_at: "2024-05-01T12:00:00"
            """;

    @TempDir
    Path tmp;
    LocalHub hub;
    String commit;
    Cli cli;

    @BeforeEach
    void start() {
        hub = LocalHub.start();
        for (String repo : List.of("acme/tiny-qwen", "acme/other")) {
            hub.createRepo(repo);
            String c = hub.commit(repo, "main", Map.of(
                    "config.json", DenHubTest.CONFIG.getBytes(StandardCharsets.UTF_8),
                    "README.md", DenHubTest.README.getBytes(StandardCharsets.UTF_8),
                    "model.safetensors", new byte[4096]));
            if (commit == null) {
                commit = c;
            }
        }
        cli = new Cli(tmp.resolve("den"), Map.of("HF_ENDPOINT", hub.baseUrl(),
                "HF_HUB_CACHE", tmp.resolve("hf").toString()));
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    /** Every request about a weights file, of any method (HEAD, GET, redirect). */
    private List<String> weightRequests() {
        return hub.requests().stream().map(RecordedRequest::file)
                .filter(f -> f != null && f.endsWith(".safetensors")).toList();
    }

    /** The weights files whose bytes were downloaded. */
    private List<String> weightDownloads() {
        return hub.requests().stream().filter(RecordedRequest::isDownload).map(RecordedRequest::file)
                .filter(f -> f != null && f.endsWith(".safetensors")).toList();
    }

    @Test
    void hubEntryListsShowsRefusesFetchAndTakesItsFilesLater() throws Exception {
        Cli.Result r = cli.den("register", "hf:acme/tiny-qwen@main");
        assertEquals(0, r.exit(), r.toString());
        assertEquals("acme/tiny-qwen@1 (no files)\n", r.out());
        assertEquals(List.of(), weightRequests(), "register reads config.json and README.md only");
        assertTrue(hub.requests().stream().anyMatch(q -> "config.json".equals(q.file())));

        Cli.Result list = cli.den("list");
        assertTrue(list.lines().get(1).startsWith("acme/tiny-qwen@1") && list.lines().get(1).contains("(no files)"),
                list.out());
        JsonNode json = Json.MAPPER.readTree(cli.den("list", "--json").out()).get(0);
        assertFalse(json.get("hasFiles").asBoolean());
        assertEquals("Qwen2ForCausalLM", json.get("metadata").get("architecture").asText());
        assertEquals("acme/tiny-qwen@1", Json.MAPPER.readTree(cli.den("search", "--tag", "icd", "--json").out())
                .get(0).get("name").asText() + "@1");
        String show = cli.den("show", "acme/tiny-qwen").out();
        assertTrue(show.contains("no files: a registry entry; the bytes are at hf:acme/tiny-qwen@" + commit), show);

        Cli.Result fetch = cli.den("fetch", "acme/tiny-qwen");
        assertEquals(2, fetch.exit(), fetch.toString());
        assertEquals("den: Model acme/tiny-qwen@1 is a registry entry without files, so it cannot be fetched; its "
                + "bytes are at hf:acme/tiny-qwen@" + commit + ": run den import hf:acme/tiny-qwen@" + commit
                + " --name acme/tiny-qwen to attach them (Den.importExternal)\n", fetch.err());

        Cli.Result attach = cli.den("import", "hf:acme/tiny-qwen@" + commit);
        assertEquals(0, attach.exit(), attach.toString());
        assertTrue(attach.out().startsWith("acme/tiny-qwen@2 sha256:"), attach.out());
        assertEquals(List.of("model.safetensors"), weightDownloads());
        List<String> listed = cli.den("list").lines();
        assertEquals(2, listed.size(), "the entry retired: " + listed);
        assertTrue(listed.get(1).startsWith("acme/tiny-qwen@2") && !listed.get(1).contains("(no files)"), listed.get(1));
        Cli.Result fetched = cli.den("fetch", "acme/tiny-qwen");
        assertEquals(0, fetched.exit(), fetched.toString());
        assertEquals(4096, Files.size(Path.of(fetched.out().trim()).resolve("model.safetensors")));
    }

    @Test
    void batchImportWithMetadataOnlyNeverRequestsWeightsAndGoesOnPastAFailure() throws Exception {
        Cli.Result r = cli.den("import", "hf:acme/tiny-qwen", "hf:acme/missing", "hf:acme/other@main",
                "--metadata-only");
        assertEquals(1, r.exit(), r.toString());
        assertEquals("acme/tiny-qwen@1 (no files)\nacme/other@1 (no files)\n", r.out());
        assertTrue(r.err().contains("failed hf:acme/missing: hf:acme/missing: "), r.err());
        assertTrue(r.err().endsWith("registered 2 of 3; 1 failed\n"), r.err());
        assertEquals(List.of(), weightRequests());

        Path list = Files.writeString(tmp.resolve("models.txt"), """
                # the team's models
                hf:acme/tiny-qwen   # attaches the files to the entry

                hf:acme/other@main
                """);
        Cli.Result full = cli.den("import", "--from-file", list.toString());
        assertEquals(0, full.exit(), full.toString());
        assertTrue(full.err().endsWith("imported 2 of 2\n"), full.err());
        assertEquals(List.of("model.safetensors", "model.safetensors"), weightDownloads());
        assertEquals(List.of("acme/other@2", "acme/tiny-qwen@2"), cli.den("list").lines().stream().skip(1)
                .map(l -> l.split(" ")[0]).toList());

        Cli.Result both = cli.den("import", "hf:acme/tiny-qwen", "hf:acme/other", "--name", "x/y");
        assertEquals(2, both.exit(), both.toString());
        assertTrue(both.err().contains("--name names one model, but 2 sources were given"), both.err());
    }

    @Test
    void registerWithPythonMetadataThenPushAttaches() throws Exception {
        Path meta = Files.writeString(tmp.resolve("coder.yaml"), PYTHON);
        Cli.Result r = cli.den("register", "acme/icd-coder", "--metadata", meta.toString(), "-t", "icd10");
        assertEquals(0, r.exit(), r.toString());
        JsonNode shown = Json.MAPPER.readTree(cli.den("show", "acme/icd-coder", "--json").out());
        assertEquals("ICD coder (MIMIC-IV)", shown.get("metadata").get("displayName").asText());
        assertEquals(4096, shown.get("metadata").get("hardware").get("recommendedMemoryMb").asInt());
        assertEquals("2024-05-01T12:00:00Z", shown.get("created").asText());
        assertEquals("[]", shown.get("files").toString());
        String text = cli.den("show", "acme/icd-coder").out();
        assertTrue(text.contains("memory 2048 MiB min, 4096 MiB recommended; CPU yes, GPU yes"), text);
        assertTrue(text.contains("ICD coder (MIMIC-IV)") && text.contains("no files: a registry entry"), text);
        Cli.Result fetch = cli.den("fetch", "acme/icd-coder");
        assertEquals(2, fetch.exit(), fetch.toString());
        assertTrue(fetch.err().contains("its source is https://example.org/icd-coder; push the files under "
                + "acme/icd-coder to attach them: den push DIR --name acme/icd-coder"), fetch.err());

        Path dir = Cli.model(tmp.resolve("m"), "config.json", "{}", "model.safetensors", "weights");
        Cli.Result push = cli.den("push", dir.toString(), "--name", "acme/icd-coder");
        assertEquals(0, push.exit(), push.toString());
        assertTrue(push.out().startsWith("acme/icd-coder@2 "), push.out());
        JsonNode attached = Json.MAPPER.readTree(cli.den("show", "acme/icd-coder", "--json").out());
        assertTrue(attached.get("hasFiles").asBoolean());
        assertEquals(0.41, attached.get("metadata").get("metrics").get("f1_micro").asDouble());
        assertEquals("[\"icd10\"]", attached.get("tags").toString());
    }

    @Test
    void pushMetadataInPythonFormKeepsEveryFieldAndRefusesUnknownKeys() throws Exception {
        Path dir = Cli.model(tmp.resolve("m"), "config.json", "{}");
        Path meta = Files.writeString(tmp.resolve("coder.yaml"), PYTHON);
        Cli.Result r = cli.den("push", dir.toString(), "--name", "acme/icd-coder", "--metadata", meta.toString());
        assertEquals(0, r.exit(), r.toString());
        JsonNode m = Json.MAPPER.readTree(cli.den("show", "acme/icd-coder", "--json").out()).get("metadata");
        assertEquals("decoder-only", m.get("modelType").asText());
        assertEquals(120, m.get("metrics").get("inference_time_ms").asInt());
        assertEquals("TEXT", m.get("inputs").get(0).get("dataType").asText());
        assertEquals(2048, m.get("hardware").get("minMemoryMb").asInt());
        assertEquals("2024-05-01T12:00:00Z", m.get("extra").get("created_at").asText());

        Path bad = Files.writeString(tmp.resolve("bad.json"), "{\"model_type\": \"x\", \"perf_metrics\": {}}");
        Cli.Result refused = cli.den("push", dir.toString(), "--name", "acme/b", "--metadata", bad.toString());
        assertEquals(2, refused.exit(), refused.toString());
        assertTrue(refused.err().startsWith("den: Metadata file " + bad + ": unknown key 'perf_metrics'; "),
                refused.err());
        Cli.Result other = cli.den("push", dir.toString(), "--name", "acme/b", "--metadata", meta.toString());
        assertEquals(2, other.exit(), other.toString());
        assertTrue(other.err().contains("names model 'acme/icd-coder' but the command names acme/b"), other.err());
    }

    @Test
    void registryExportedFromOneDenIsImportedIntoAnother() throws Exception {
        Cli a = cli;
        assertEquals(0, a.den("import", "hf:acme/tiny-qwen").exit());
        Path meta = Files.writeString(tmp.resolve("coder.yaml"), PYTHON);
        assertEquals(0, a.den("register", "acme/icd-coder", "--metadata", meta.toString()).exit());
        Path export = tmp.resolve("registry.yaml");
        assertEquals(0, a.den("export-registry", export.toString()).exit());
        Path python = tmp.resolve("registry-python.json");
        assertEquals(0, a.den("export-registry", "--python", python.toString()).exit());
        assertTrue(Files.readString(python).contains("\"model_id\" : \"acme/icd-coder\""), Files.readString(python));

        Cli b = new Cli(tmp.resolve("den-b"));
        Cli.Result imported = b.den("import-registry", export.toString());
        assertEquals(0, imported.exit(), imported.toString());
        assertEquals("created acme/icd-coder@1 (no files)\ncreated acme/tiny-qwen@1 (no files)\n"
                + "created 2, updated 0, refused 0\n", imported.out());
        Cli.Result fetch = b.den("fetch", "acme/tiny-qwen");
        assertEquals(2, fetch.exit(), fetch.toString());
        assertTrue(fetch.err().contains("its bytes are at hf:acme/tiny-qwen@" + commit), fetch.err());

        Cli.Result again = b.den("import-registry", python.toString());
        assertEquals(0, again.exit(), again.toString());
        assertTrue(again.out().endsWith("created 0, updated 2, refused 0\n"), again.out());
        assertEquals("ICD coder (MIMIC-IV)", Json.MAPPER.readTree(b.den("show", "acme/icd-coder", "--json").out())
                .get("metadata").get("displayName").asText());
    }
}
