package org.den4j.hub.testhub;

import static org.den4j.hub.testhub.Http.bytes;
import static org.den4j.hub.testhub.Http.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hub seen by {@code curl}, a client that is not ours. */
class LocalHubCurlTest {

    private static final byte[] WEIGHTS = bytes(2_000_000, 21);
    private static final byte[] CONFIG = utf8("{\"model_type\":\"qwen2\"}");

    @TempDir
    Path dir;
    private LocalHub hub;

    @BeforeAll
    static void needsCurl() {
        boolean found;
        try {
            found = new ProcessBuilder("curl", "--version").start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            found = false;
        }
        assumeTrue(found, "curl is not installed");
    }

    @BeforeEach
    void startHub() {
        hub = LocalHub.builder().treePageSize(2).start();
        hub.createRepo("acme/tiny");
        hub.commit("acme/tiny", "main", Map.of("config.json", CONFIG, "model.safetensors", WEIGHTS));
        hub.registerToken("hf_user");
    }

    @AfterEach
    void closeHub() {
        hub.close();
    }

    @Test
    void curlFollowsTheLfsRedirectAndDropsAuthorizationOnTheOtherHost() throws Exception {
        Path out = dir.resolve("model.safetensors");
        Result result = curl("-sS", "-L", "-H", "Authorization: Bearer hf_user", "-o", out.toString(),
                "-w", "%{http_code} %{num_redirects}",
                hub.baseUrl() + "/acme/tiny/resolve/main/model.safetensors");
        assertEquals(0, result.exit, result.output);
        assertEquals("200 1", result.output);
        assertArrayEquals(WEIGHTS, Files.readAllBytes(out));
        assertFalse(hub.cdnSawAuthorization(), "curl sends a custom Authorization to the first host only");
        assertEquals("Bearer hf_user", hub.requests().get(0).header("Authorization"));
    }

    @Test
    void curlSeesTheHubHeadersOnHead() throws Exception {
        Result result = curl("-sS", "-I", hub.baseUrl() + "/acme/tiny/resolve/main/model.safetensors");
        assertEquals(0, result.exit, result.output);
        String headers = result.output.toLowerCase();
        assertTrue(headers.startsWith("http/1.1 302"), headers);
        assertTrue(headers.contains("x-linked-etag: \"" + Http.sha256(WEIGHTS) + "\""), headers);
        assertTrue(headers.contains("x-linked-size: " + WEIGHTS.length), headers);
        assertTrue(headers.contains("x-repo-commit: " + hub.resolve("acme/tiny", "main")), headers);
        assertTrue(headers.contains("location: " + hub.cdnUrl() + "/repos/"), headers);
    }

    @Test
    void curlResumesATruncatedDownload() throws Exception {
        Path out = dir.resolve("model.safetensors");
        hub.failNextDownload("model.safetensors", 700_000);
        Result cut = curl("-sS", "-L", "-o", out.toString(),
                hub.baseUrl() + "/acme/tiny/resolve/main/model.safetensors");
        assertEquals(18, cut.exit, "curl's 'partial file': " + cut.output);
        assertEquals(700_000, Files.size(out));

        Result resumed = curl("-sS", "-L", "-C", "-", "-o", out.toString(), "-w", "%{http_code}",
                hub.baseUrl() + "/acme/tiny/resolve/main/model.safetensors");
        assertEquals(0, resumed.exit, resumed.output);
        assertEquals("206", resumed.output);
        assertArrayEquals(WEIGHTS, Files.readAllBytes(out));
        RecordedRequest last = hub.requests().get(hub.requests().size() - 1);
        assertEquals("bytes=700000-", last.header("Range"));
        assertEquals(WEIGHTS.length - 700_000, last.bodyBytes());
    }

    @Test
    void curlSeesErrorCodesInHeaders() throws Exception {
        Result missing = curl("-sS", "-D", "-", "-o", "/dev/null",
                hub.baseUrl() + "/api/models/acme/none/revision/main");
        assertTrue(missing.output.startsWith("HTTP/1.1 401"), missing.output);
        assertTrue(missing.output.toLowerCase().contains("x-error-code: reponotfound"), missing.output);
        Result entry = curl("-sS", "-w", "%{http_code}", hub.baseUrl() + "/acme/tiny/resolve/main/nope.txt");
        assertEquals("{\"error\":\"Entry not found\"}404", entry.output);
        Result revision = curl("-sS", "-D", "-", "-o", "/dev/null",
                hub.baseUrl() + "/acme/tiny/resolve/v2/config.json");
        assertTrue(revision.output.toLowerCase().contains("x-error-code: revisionnotfound"), revision.output);
    }

    @Test
    void curlReadsTheTreeInPagesAndByteRanges() throws Exception {
        Result page = curl("-sS", "-D", "-", hub.baseUrl() + "/api/models/acme/tiny/tree/main?recursive=true");
        assertTrue(page.output.contains("rel=\"next\""), page.output);
        assertTrue(page.output.contains("\"path\":\".gitattributes\""), page.output);
        Result range = curl("-sS", "-r", "2-5", hub.baseUrl() + "/acme/tiny/resolve/main/config.json");
        assertEquals(new String(Arrays.copyOfRange(CONFIG, 2, 6), StandardCharsets.UTF_8), range.output);
    }

    private record Result(int exit, String output) {
    }

    private Result curl(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add("curl");
        command.add("--max-time");
        command.add("30");
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "curl did not finish");
        return new Result(process.exitValue(), output.trim());
    }
}
