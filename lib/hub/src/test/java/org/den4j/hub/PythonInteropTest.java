package org.den4j.hub;

import static org.den4j.hub.Fixtures.bytes;
import static org.den4j.hub.Fixtures.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.den4j.hub.testhub.LfsRule;
import org.den4j.hub.testhub.LocalHub;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same downloads by Python's {@code huggingface_hub} and by this client give the same cache, byte for
 * byte, and each reads the other's cache offline.
 *
 * <p>Runs only where a Python with {@code huggingface_hub} is found: {@code $HF_PYTHON}, else
 * {@code python3}; it is skipped elsewhere (CI has none). Checked with huggingface_hub 1.33.0.
 */
class PythonInteropTest {
    @TempDir
    Path tmp;

    private static String python() {
        String configured = System.getenv("HF_PYTHON");
        return configured == null || configured.isBlank() ? "python3" : configured;
    }

    private static boolean hasHuggingfaceHub() {
        try {
            Process p = new ProcessBuilder(python(), "-c", "import huggingface_hub").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private String run(Map<String, String> env, String... script) throws Exception {
        Path file = tmp.resolve("script" + System.nanoTime() + ".py");
        Files.writeString(file, String.join("\n", script) + "\n");
        ProcessBuilder pb = new ProcessBuilder(python(), file.toString()).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("HF_") || k.startsWith("HUGGING"));
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "python timed out");
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    @Test
    void pythonAndJavaWriteTheSameCacheAndReadEachOthers() throws Exception {
        Assumptions.assumeTrue(hasHuggingfaceHub(), "no Python with huggingface_hub (set HF_PYTHON)");
        try (LocalHub hub = LocalHub.builder().treePageSize(2).resolveCache(true).start()) {
            hub.createRepo("acme/tiny");
            Map<String, byte[]> files = new LinkedHashMap<>();
            files.put("config.json", utf8("{\"a\": 1}"));
            files.put("model.safetensors", bytes(300_000, 1));
            files.put("tokenizer/vocab.txt", utf8("a\nb\n"));
            files.put("onnx/fp16/model.onnx", bytes(1234, 2));
            String v1 = hub.commit("acme/tiny", "main", files, LfsRule.DEFAULT);
            hub.createTag("acme/tiny", "v1", v1);
            String v2 = hub.commit("acme/tiny", "main", Map.of("config.json", utf8("{\"a\": 2}")));
            hub.registerToken("hf_user");

            Path javaCache = tmp.resolve("java");
            try (HubClient client = new HubClient(HubSettings.builder(javaCache).endpoint(hub.baseUrl())
                    .token("hf_user").build())) {
                client.snapshotDownload("acme/tiny", "v1");
                client.snapshotDownload("acme/tiny", "main");
                try {
                    client.download("acme/tiny", "main", "nope/missing.txt");
                } catch (EntryNotFoundException expected) {
                    // leaves the .no_exist marker, as Python does
                }
            }

            Path pythonCache = tmp.resolve("python");
            // huggingface_hub 1.33 follows a HEAD redirect to the same host name with the token, whatever the
            // port: give Python the hub as "localhost" so that the CDN (127.0.0.1) counts as another host.
            run(Map.of("HF_ENDPOINT", hub.baseUrl().replace("127.0.0.1", "localhost"), "HF_TOKEN", "hf_user",
                    "HF_HUB_CACHE", pythonCache.toString(), "HF_HUB_DISABLE_XET", "1",
                    "HF_HUB_DISABLE_PROGRESS_BARS", "1"),
                    "from huggingface_hub import snapshot_download, hf_hub_download",
                    "from huggingface_hub.errors import EntryNotFoundError",
                    "snapshot_download('acme/tiny', revision='v1')",
                    "snapshot_download('acme/tiny', revision='main')",
                    "try:",
                    "    hf_hub_download('acme/tiny', 'nope/missing.txt')",
                    "except EntryNotFoundError:",
                    "    pass");

            assertEquals(listing(pythonCache), listing(javaCache));

            String seen = run(Map.of("HF_HUB_CACHE", javaCache.toString(), "HF_HUB_OFFLINE", "1"),
                    "from huggingface_hub import scan_cache_dir, hf_hub_download, snapshot_download",
                    "from huggingface_hub import try_to_load_from_cache, _CACHED_NO_EXIST",
                    "repo = next(iter(scan_cache_dir().repos))",
                    "print(repo.repo_id, repo.nb_files, sorted((r.commit_hash, sorted(r.refs)) for r in repo.revisions))",
                    "print(open(hf_hub_download('acme/tiny', 'config.json', revision='v1')).read())",
                    "print(snapshot_download('acme/tiny'))",
                    "print(try_to_load_from_cache('acme/tiny', 'nope/missing.txt') is _CACHED_NO_EXIST)");
            List<String> lines = seen.lines().toList();
            List<String> refs = new ArrayList<>(List.of("('" + v1 + "', ['v1'])", "('" + v2 + "', ['main'])"));
            refs.sort(null);
            assertEquals("acme/tiny 6 [" + String.join(", ", refs) + "]", lines.get(0));
            assertEquals("{\"a\": 1}", lines.get(1));
            assertEquals(javaCache.resolve("models--acme--tiny/snapshots/" + v2).toString(), lines.get(2));
            assertEquals("True", lines.get(3));
        }
    }

    /** Every file and link under {@code root}: links by target, files by SHA-256. */
    private static List<String> listing(Path root) throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted().toList()) {
                String rel = root.relativize(p).toString();
                if (Files.isSymbolicLink(p)) {
                    out.add(rel + " -> " + Files.readSymbolicLink(p));
                } else if (Files.isRegularFile(p)) {
                    out.add(rel + " " + sha256(Files.readAllBytes(p)));
                } else if (!rel.isEmpty()) {
                    out.add(rel + "/");
                }
            }
        }
        return out;
    }

    private static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
