package org.den4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.den4j.hub.testhub.LocalHub;
import org.den4j.hub.testhub.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The {@code hub} command in-process, against a {@link LocalHub} and a temporary Hub cache. */
class HubCommandTest {
    @TempDir
    Path tmp;
    LocalHub hub;
    Path cache;
    Path config;
    Map<String, String> env;
    String commit;

    @BeforeEach
    void start() throws IOException {
        hub = LocalHub.start();
        hub.createRepo("acme/tiny");
        commit = hub.commit("acme/tiny", "main", Map.of("config.json", utf8("{\"model_type\":\"qwen2\"}"),
                "tokenizer.json", utf8("{}"), "model.safetensors", new byte[5000], "README.md", utf8("# tiny")));
        hub.createRepo("acme/other");
        hub.commit("acme/other", "main", Map.of("config.json", utf8("{}")));
        cache = tmp.resolve("hub");
        config = tmp.resolve("models.yaml");
        Files.writeString(config, "verify: sha256\nmodels:\n"
                + "  - id: tiny\n    repo_id: acme/tiny\n    files: [config.json, \"tokenizer*.json\", \"*.safetensors\"]\n"
                + "  - id: other\n    repo_id: acme/other\n");
        env = new HashMap<>(Map.of("HF_ENDPOINT", hub.baseUrl(), "HF_HUB_CACHE", cache.toString(),
                "HOME", tmp.toString()));
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private Cli.Result hub(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = HubCommand.commandLine(env);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Cli.Result(exit, out.toString(), err.toString());
    }

    private Path snapshot(String repo) {
        return cache.resolve("models--acme--" + repo).resolve("snapshots").resolve(hub.resolve("acme/" + repo, "main"));
    }

    private List<RecordedRequest> downloads() {
        return hub.requests().stream().filter(RecordedRequest::isDownload).toList();
    }

    @Test
    void withoutOptionsEnsuresEveryModelAndPrintsTheirFolders() {
        Cli.Result r = hub("--config", config.toString());
        assertEquals(0, r.exit(), r::toString);
        assertEquals(List.of("tiny\t" + snapshot("tiny"), "other\t" + snapshot("other")), r.lines());
        assertTrue(Files.isRegularFile(snapshot("tiny").resolve("model.safetensors")));
        assertFalse(Files.exists(snapshot("tiny").resolve("README.md")));

        hub.clearRequests();
        Cli.Result again = hub("--config", config.toString());
        assertEquals(0, again.exit(), again::toString);
        assertEquals(List.of(), downloads(), "cached files are not downloaded again");
    }

    @Test
    void modelEnsuresOneModelAndPrintsOnlyItsFolder() {
        Cli.Result r = hub("--config", config.toString(), "--model", "other");
        assertEquals(0, r.exit(), r::toString);
        assertEquals(snapshot("other") + "\n", r.out());
        assertFalse(Files.exists(cache.resolve("models--acme--tiny")));
    }

    @Test
    void listShowsMissingCachedAndStale() {
        Cli.Result before = hub("--config", config.toString(), "--list");
        assertEquals(0, before.exit(), before::toString);
        assertEquals(List.of("ID     REPOSITORY  REVISION  STATUS   PATH", "tiny   acme/tiny   main      missing  -",
                "other  acme/other  main      missing  -"), before.lines());

        hub("--config", config.toString(), "--model", "tiny");
        hub.commit("acme/tiny", "main", Map.of("config.json", utf8("{\"v\":2}")));
        hub.clearRequests();
        Cli.Result after = hub("--config", config.toString(), "--list");
        assertEquals(0, after.exit(), after::toString);
        assertTrue(after.lines().get(1).matches("tiny +acme/tiny +main +stale +\\S*" + commit), after.out());
        assertTrue(after.lines().get(2).contains("missing"), after.out());
        assertEquals(List.of(), downloads(), "--list downloads nothing");
    }

    @Test
    void listOfflineSaysFreshnessIsUnknown() {
        hub("--config", config.toString(), "--model", "tiny");
        env.put("HF_HUB_OFFLINE", "1");
        hub.clearRequests();
        Cli.Result r = hub("--config", config.toString(), "--list", "--model", "tiny");
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.lines().get(1).contains("cached (freshness unknown: offline)"), r.out());
        assertEquals(List.of(), hub.requests());
    }

    @Test
    void verifyOnlyExitsThreeOnADamagedFileAndOneOnAMissingModel() throws IOException {
        hub("--config", config.toString(), "--model", "tiny");
        Cli.Result missing = hub("--config", config.toString(), "--verify-only");
        assertEquals(1, missing.exit(), missing::toString);
        assertEquals(List.of("tiny: ok: 3 files (sha256)", "other: missing: no snapshot of acme/other@main in the "
                + "cache; run hub --model other to download it"), missing.lines());

        Path blob = snapshot("tiny").resolve("model.safetensors").toRealPath();
        blob.toFile().setWritable(true);
        Files.write(blob, new byte[5000 - 1]);
        hub.clearRequests();
        Cli.Result damaged = hub("--config", config.toString(), "--verify-only", "--model", "tiny");
        assertEquals(3, damaged.exit(), damaged::toString);
        assertTrue(damaged.out().startsWith("tiny: damaged: "), damaged.out());
        assertTrue(damaged.out().contains("model.safetensors"), damaged.out());
        assertEquals(List.of(), downloads());
    }

    @Test
    void cleanAndCleanModelRemoveRepositoryFolders() {
        hub("--config", config.toString());
        Cli.Result one = hub("--config", config.toString(), "--clean-model", "tiny");
        assertEquals(0, one.exit(), one::toString);
        assertEquals("removed " + cache.resolve("models--acme--tiny") + "\n", one.out());
        assertTrue(Files.isDirectory(cache.resolve("models--acme--other")));

        Cli.Result all = hub("--config", config.toString(), "--clean");
        assertEquals(0, all.exit(), all::toString);
        assertEquals("removed " + cache.resolve("models--acme--other") + "\n", all.out());
        Cli.Result none = hub("--config", config.toString(), "--clean");
        assertEquals("nothing to remove from " + cache + "\n", none.out());
    }

    @Test
    void aModelNotInTheConfigurationExitsTwoAndNamesTheKnownIds() {
        Cli.Result r = hub("--config", config.toString(), "--model", "big");
        assertEquals(2, r.exit(), r::toString);
        assertEquals("hub: Model 'big' is not in " + config + "; known ids: tiny, other. Use one of them, or add an "
                + "entry with id: big under models:\n", r.err());
        assertEquals(2, hub("--config", config.toString(), "--clean-model", "big").exit());
    }

    @Test
    void aBadConfigurationExitsTwoAndNamesTheFile() throws IOException {
        Files.writeString(config, "models:\n  - id: tiny\n");
        Cli.Result r = hub("--config", config.toString());
        assertEquals(2, r.exit(), r::toString);
        assertEquals("hub: models[0] in " + config + " has no repo_id; add repo_id: org/name\n", r.err());

        Cli.Result absent = hub("--config", tmp.resolve("nope.yaml").toString());
        assertEquals(2, absent.exit(), absent::toString);
        assertTrue(absent.err().startsWith("hub: Models configuration " + tmp.resolve("nope.yaml")
                + " does not exist"), absent.err());
    }

    @Test
    void ciMinimalModelsPicksTheMinimalConfigurationWhenNoConfigIsGiven() {
        env.put("CI_MINIMAL_MODELS", "maybe");
        Cli.Result r = hub("--list");
        assertEquals(2, r.exit(), r::toString);
        assertTrue(r.err().startsWith("hub: CI_MINIMAL_MODELS=maybe is not a boolean"), r.err());
        env.put("CI_MINIMAL_MODELS", "yes");
        // The tests run in lib/cli, which has no config/ folder: the message names the file it chose.
        Cli.Result minimal = hub("--list");
        assertEquals(2, minimal.exit(), minimal::toString);
        assertTrue(minimal.err().startsWith("hub: Models configuration " + Path.of("config", "models.minimal.yaml")
                + " does not exist"), minimal.err());
    }

    @Test
    void anUnknownRepositoryExitsTwo() throws IOException {
        Files.writeString(config, "models:\n  - id: ghost\n    repo_id: acme/ghost\n");
        Cli.Result r = hub("--config", config.toString());
        assertEquals(2, r.exit(), r::toString);
        assertTrue(r.err().startsWith("hub: "), r.err());
        assertTrue(r.err().contains("acme/ghost"), r.err());
    }

    @Test
    void aCorruptedDownloadExitsThree() {
        hub.corrupt("acme/tiny", "model.safetensors");
        Cli.Result r = hub("--config", config.toString(), "--model", "tiny");
        assertEquals(3, r.exit(), r::toString);
        assertTrue(r.err().startsWith("hub: "), r.err());
        assertTrue(r.err().contains("model.safetensors"), r.err());
    }

    @Test
    void anUnreachableHubWithoutCacheExitsFour() {
        hub.close();
        Cli.Result r = hub("--config", config.toString(), "--model", "tiny");
        assertEquals(4, r.exit(), r::toString);
        assertTrue(r.err().startsWith("hub: "), r.err());
        env.put("HF_HUB_OFFLINE", "1");
        Cli.Result offline = hub("--config", config.toString(), "--model", "tiny");
        assertEquals(4, offline.exit(), offline::toString);
        assertTrue(offline.err().contains("HF_HUB_OFFLINE=0"), offline.err());
    }

    @Test
    void verboseAddsTheStackTrace() {
        Cli.Result r = hub("--config", config.toString(), "--model", "big", "-v");
        assertEquals(2, r.exit(), r::toString);
        assertTrue(r.err().contains("ModelNotInConfigException"), r.err());
        assertTrue(r.err().contains("\tat "), r.err());
    }

    @Test
    void actionsExcludeEachOtherAndUnknownOptionsExitTwo() {
        Cli.Result both = hub("--config", config.toString(), "--list", "--clean");
        assertEquals(2, both.exit(), both::toString);
        assertTrue(both.err().startsWith("hub: Use at most one of --list, --verify-only, --verify-folder, --clean, "
                + "--clean-model"),
                both.err());
        Cli.Result unknown = hub("--lsit");
        assertEquals(2, unknown.exit(), unknown::toString);
        assertTrue(unknown.err().contains("Unknown option: '--lsit'"), unknown.err());
    }

    @Test
    void helpListsTheOptionsAndExitCodes() {
        Cli.Result r = hub("--help");
        assertEquals(0, r.exit(), r::toString);
        for (String option : List.of("--config=FILE", "--model=ID", "--list", "--verify-only", "--verify-folder=DIR",
                "--clean", "--clean-model=ID", "-v", "--help", "CI_MINIMAL_MODELS", "HF_HUB_ENABLE_HF_TRANSFER")) {
            assertTrue(r.out().contains(option), option + " in\n" + r.out());
        }
        assertTrue(r.out().contains("3   bad checksum"), r.out());
        assertTrue(r.out().contains("4   download failed"), r.out());
    }

    @Test
    void verboseLogsEachRequestOnStderrWithoutTheToken() {
        String token = "hf_cliSecretToken";
        hub.makePrivate("acme/tiny", token);
        env.put("HF_TOKEN", token);
        Cli.Result r = hub("--config", config.toString(), "--model", "tiny", "-v");
        assertEquals(0, r.exit(), r::toString);
        assertEquals(snapshot("tiny") + "\n", r.out(), "stdout keeps only the folder");
        assertFalse(r.err().contains(token), r.err());
        List<String> requests = r.err().lines().filter(l -> l.startsWith("hub: ")).toList();
        assertTrue(requests.size() >= 5, r.err());
        assertTrue(requests.stream().anyMatch(l -> l.matches("hub: GET " + hub.baseUrl() + "/acme/tiny/resolve/"
                + commit + "/config\\.json 200 \\d+ bytes \\d+ ms")), r.err());
        assertTrue(requests.stream().anyMatch(l -> l.contains("Signature=***") && l.contains(" 200 5000 bytes ")),
                "the CDN download, its signature hidden: " + r.err());

        Cli.Result quiet = hub("--config", config.toString(), "--model", "tiny");
        assertEquals("", quiet.err(), "without -v nothing is logged");
    }

    @Test
    void verifyFolderReportsAChangedByteAMissingFileAndAnExtraFileOfACopy() throws IOException {
        hub("--config", config.toString(), "--model", "tiny");
        Path copy = Files.createDirectories(tmp.resolve("copy"));
        for (String name : List.of("config.json", "tokenizer.json", "model.safetensors")) {
            Files.copy(snapshot("tiny").resolve(name), copy.resolve(name));
        }
        Cli.Result ok = hub("--config", config.toString(), "--verify-folder", copy.toString(), "--model", "tiny");
        assertEquals(0, ok.exit(), ok::toString);
        assertEquals(List.of("tiny: ok: 3 files (sha256) in " + copy + " match acme/tiny@" + commit), ok.lines());

        byte[] weights = Files.readAllBytes(copy.resolve("model.safetensors"));
        weights[17] ^= 1;
        Files.write(copy.resolve("model.safetensors"), weights);
        Files.delete(copy.resolve("tokenizer.json"));
        Files.writeString(copy.resolve("extra.bin"), "x");
        hub.clearRequests();
        Cli.Result bad = hub("--config", config.toString(), "--verify-folder", copy.toString(), "--model", "tiny");
        assertEquals(3, bad.exit(), bad::toString);
        assertEquals("tiny: missing: tokenizer.json", bad.lines().get(0));
        assertEquals("tiny: extra: extra.bin", bad.lines().get(1));
        assertTrue(bad.lines().get(2).startsWith("tiny: damaged: 'model.safetensors' in " + copy + " has sha256 "),
                bad.out());
        assertEquals(List.of(), downloads());

        Cli.Result which = hub("--config", config.toString(), "--verify-folder", copy.toString());
        assertEquals(2, which.exit(), which::toString);
        assertTrue(which.err().startsWith("hub: Cannot tell which model " + copy + " holds"), which.err());
    }
}
