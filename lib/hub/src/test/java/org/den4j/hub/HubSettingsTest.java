package org.den4j.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HubSettingsTest {
    @TempDir
    Path home;

    private Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>();
        env.put("HOME", home.toString());
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    @Test
    void defaultsFollowPython() {
        HubSettings s = HubSettings.fromEnvironment(env());
        assertEquals(home.resolve(".cache/huggingface"), s.hfHome());
        assertEquals(home.resolve(".cache/huggingface/hub"), s.hubCache());
        assertEquals(URI.create("https://huggingface.co"), s.endpoint());
        assertNull(s.token());
        assertFalse(s.offline());
        assertFalse(s.symlinksDisabled());
        assertEquals(Duration.ofSeconds(10), s.etagTimeout());
        assertEquals(8, s.maxWorkers());
    }

    @Test
    void xdgCacheHomeMovesHfHome() {
        HubSettings s = HubSettings.fromEnvironment(env("XDG_CACHE_HOME", "/srv/cache"));
        assertEquals(Path.of("/srv/cache/huggingface"), s.hfHome());
        assertEquals(Path.of("/srv/cache/huggingface/hub"), s.hubCache());
    }

    @Test
    void hfHomeAndHubCacheExpandTildeAndVariables() {
        HubSettings s = HubSettings.fromEnvironment(env("HF_HOME", "~/hf", "DATA", "/data",
                "HF_HUB_CACHE", "$DATA/hub-cache", "HF_ENDPOINT", "http://127.0.0.1:9000/"));
        assertEquals(home.resolve("hf"), s.hfHome());
        assertEquals(Path.of("/data/hub-cache"), s.hubCache());
        assertEquals(URI.create("http://127.0.0.1:9000"), s.endpoint());
    }

    @Test
    void legacyHubCacheVariableIsRead() {
        HubSettings s = HubSettings.fromEnvironment(env("HUGGINGFACE_HUB_CACHE", "/old/cache"));
        assertEquals(Path.of("/old/cache"), s.hubCache());
        s = HubSettings.fromEnvironment(env("HUGGINGFACE_HUB_CACHE", "/old/cache", "HF_HUB_CACHE", "/new/cache"));
        assertEquals(Path.of("/new/cache"), s.hubCache());
    }

    @Test
    void tokenComesFromHfTokenThenLegacyVariableThenTokenFile() throws IOException {
        Path hfHome = home.resolve(".cache/huggingface");
        Files.createDirectories(hfHome);
        Files.writeString(hfHome.resolve("token"), "hf_file\n");

        HubSettings both = HubSettings.fromEnvironment(env("HF_TOKEN", " hf_env\r\n", "HUGGING_FACE_HUB_TOKEN",
                "hf_legacy"));
        assertEquals("hf_env", both.token());
        assertEquals("HF_TOKEN", both.tokenSource());

        HubSettings emptyFallsThrough = HubSettings.fromEnvironment(env("HF_TOKEN", "", "HUGGING_FACE_HUB_TOKEN",
                "hf_legacy"));
        assertEquals("hf_legacy", emptyFallsThrough.token());
        assertEquals("HUGGING_FACE_HUB_TOKEN", emptyFallsThrough.tokenSource());

        HubSettings file = HubSettings.fromEnvironment(env());
        assertEquals("hf_file", file.token());
        assertEquals(hfHome.resolve("token").toString(), file.tokenSource());

        Files.writeString(home.resolve("elsewhere"), "hf_path");
        assertEquals("hf_path", HubSettings.fromEnvironment(env("HF_TOKEN_PATH", "~/elsewhere")).token());
    }

    @Test
    void toStringNeverShowsTheToken() {
        HubSettings s = HubSettings.builder(home).token("hf_secret").build();
        assertFalse(s.toString().contains("hf_secret"), s.toString());
        assertTrue(s.toString().contains("*** from explicit"), s.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "true", "TRUE", "yes", "On"})
    void offlineAcceptsPythonsTrueValues(String value) {
        assertTrue(HubSettings.fromEnvironment(env("HF_HUB_OFFLINE", value)).offline());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "false", "no", "OFF", ""})
    void offlineAcceptsFalseValues(String value) {
        assertFalse(HubSettings.fromEnvironment(env("HF_HUB_OFFLINE", value)).offline());
    }

    @Test
    void transformersOfflineCountsWhenHfHubOfflineIsUnsetOrEmpty() {
        assertTrue(HubSettings.fromEnvironment(env("TRANSFORMERS_OFFLINE", "1")).offline());
        assertTrue(HubSettings.fromEnvironment(env("HF_HUB_OFFLINE", "", "TRANSFORMERS_OFFLINE", "1")).offline());
        assertFalse(HubSettings.fromEnvironment(env("HF_HUB_OFFLINE", "0", "TRANSFORMERS_OFFLINE", "1")).offline());
    }

    @Test
    void badOfflineValueNamesTheVariableAndTheAcceptedValues() {
        HubConfigException e = assertThrows(HubConfigException.class,
                () -> HubSettings.fromEnvironment(env("HF_HUB_OFFLINE", "maybe")));
        assertEquals("HF_HUB_OFFLINE", e.variable());
        assertEquals("maybe", e.value());
        assertEquals("HF_HUB_OFFLINE=maybe is not a boolean; use one of 1, true, yes, on (enable) or 0, false, no, "
                + "off (disable)", e.getMessage());
    }

    @Test
    void badEndpointNamesTheVariable() {
        HubConfigException e = assertThrows(HubConfigException.class,
                () -> HubSettings.fromEnvironment(env("HF_ENDPOINT", "huggingface.co")));
        assertEquals("HF_ENDPOINT", e.variable());
        assertTrue(e.getMessage().startsWith("HF_ENDPOINT=huggingface.co is not an http(s) URL"), e.getMessage());
    }

    @Test
    void badTimeoutNamesTheVariable() {
        HubConfigException e = assertThrows(HubConfigException.class,
                () -> HubSettings.fromEnvironment(env("HF_HUB_ETAG_TIMEOUT", "ten")));
        assertEquals("HF_HUB_ETAG_TIMEOUT", e.variable());
        assertEquals("HF_HUB_ETAG_TIMEOUT=ten is not a number of seconds; use a whole number above 0, such as 10",
                e.getMessage());
        assertEquals(Duration.ofSeconds(30),
                HubSettings.fromEnvironment(env("HF_HUB_DOWNLOAD_TIMEOUT", "30")).downloadTimeout());
    }

    @Test
    void builderDefaultsAndToBuilderRoundTrip() {
        HubSettings s = HubSettings.builder(home.resolve("hub")).endpoint("http://localhost:1234/").offline(true)
                .maxWorkers(3).build();
        assertEquals(home, s.hfHome());
        assertEquals(URI.create("http://localhost:1234"), s.endpoint());
        assertEquals(s, s.toBuilder().build());
        assertThrows(HubConfigException.class, () -> s.toBuilder().maxWorkers(0).build());
    }

    @Test
    void hfTransferIsReadAsPythonReadsItAndSplitsOnlyFilesAboveFiveChunks() {
        HubSettings off = HubSettings.fromEnvironment(env());
        assertFalse(off.hfTransfer());
        assertFalse(off.splitsIntoRanges(1L << 40));
        HubSettings on = HubSettings.fromEnvironment(env("HF_HUB_ENABLE_HF_TRANSFER", "1"));
        assertTrue(on.hfTransfer());
        assertEquals(10L << 20, on.rangeChunkSize());
        assertEquals(8, on.rangeConnections());
        assertFalse(on.splitsIntoRanges(50L << 20), "exactly 5 chunks stay one stream, as Python's total > 5 chunks");
        assertTrue(on.splitsIntoRanges((50L << 20) + 1));
        assertFalse(on.toBuilder().rangeChunkSize(Long.MAX_VALUE).build().splitsIntoRanges(Long.MAX_VALUE));
        HubConfigException e = assertThrows(HubConfigException.class,
                () -> HubSettings.fromEnvironment(env("HF_HUB_ENABLE_HF_TRANSFER", "fast")));
        assertEquals("HF_HUB_ENABLE_HF_TRANSFER=fast is not a boolean; use one of 1, true, yes, on (enable) or 0, "
                + "false, no, off (disable)", e.getMessage());
        HubConfigException chunk = assertThrows(HubConfigException.class,
                () -> on.toBuilder().rangeChunkSize(0).build());
        assertEquals("rangeChunkSize", chunk.variable());
        assertThrows(HubConfigException.class, () -> on.toBuilder().rangeConnections(0).build());
        assertEquals(on, on.toBuilder().build());
    }
}
