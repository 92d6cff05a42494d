package org.den4j.serve.den;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.den4j.den.Den;
import org.den4j.den.DenConfig;
import org.den4j.den.ModelInfo;
import org.den4j.den.ModelNotFoundException;
import org.den4j.den.PushRequest;
import org.den4j.den.PushResult;
import org.den4j.den.RegistryQuery;
import org.den4j.den.backend.HttpBackend;
import org.den4j.serve.den.ApiKeys.Scope;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A Den opened on the http type against a real den server over loopback behaves like a local den. */
class HttpDenRoundTripTest {
    static final String WRITER = "writer-token-0123456789";
    static final String READER = "reader-token-0123456789";

    @TempDir
    Path tmp;

    static Path model(Path dir, String... nameAndContent) throws Exception {
        Files.createDirectories(dir);
        for (int i = 0; i < nameAndContent.length; i += 2) {
            Path f = dir.resolve(nameAndContent[i]);
            Files.createDirectories(f.getParent());
            Files.writeString(f, nameAndContent[i + 1]);
        }
        return dir;
    }

    static Den client(DenServer server, String token, Path work) {
        HttpBackend backend = HttpBackend.connect(HttpBackend.Settings.of(server.url(), token, work));
        return new Den(backend, DenConfig.defaults(), Clock.systemUTC());
    }

    static ApiKeys keys() {
        return ApiKeys.of("writer", WRITER, Scope.WRITE).plus("reader", READER, Scope.READ);
    }

    @Test
    void pushListSearchFetchAliasDeleteWorkThroughTheServer() throws Exception {
        Path src = model(tmp.resolve("m"), "config.json", "{\"model_type\":\"qwen2\"}", "sub/weights.bin", "0123456789");
        try (DenServer server = DenServer.builder(tmp.resolve("served")).keys(keys()).start();
                Den den = client(server, WRITER, tmp.resolve("client"))) {
            PushResult pushed = den.push(PushRequest.builder(src, "acme/tiny").description("a tiny model")
                    .tags(List.of("icd10")).build());
            assertEquals(1, pushed.model().version());
            assertEquals(2, pushed.model().fileCount());

            // The server's own view of its den sees the push at once.
            assertEquals(List.of("acme/tiny@1"), server.den().list().stream().map(ModelInfo::ref).toList());
            assertEquals(List.of("acme/tiny@1"), den.list().stream().map(ModelInfo::ref).toList());
            assertEquals(1, den.search(RegistryQuery.builder().tag("icd10").build()).size());
            assertEquals(0, den.search(RegistryQuery.builder().tag("vision").build()).size());

            Path fetched = den.fetch("acme/tiny");
            assertTrue(fetched.startsWith(tmp.resolve("client")), fetched.toString());
            assertEquals("0123456789", Files.readString(fetched.resolve("sub/weights.bin")));
            assertEquals(fetched, den.fetch("acme/tiny@1"), "a second fetch reuses the fetched directory");

            den.alias("acme/tiny", "prod", 1);
            assertEquals(Map.of("prod", 1), den.aliases("acme/tiny"));
            assertEquals(Map.of("prod", 1), server.den().aliases("acme/tiny"));
            assertEquals(fetched, den.fetch("acme/tiny@prod"));

            PushResult again = den.push(PushRequest.builder(src, "acme/tiny").build());
            assertTrue(again.alreadyPresent(), "identical content converges on version 1");

            Path v2 = model(tmp.resolve("m2"), "config.json", "{\"model_type\":\"qwen2\"}", "sub/weights.bin", "9876543210");
            PushResult second = den.push(PushRequest.builder(v2, "acme/tiny").build());
            assertEquals(2, second.model().version());
            assertEquals(10, second.newBytes(), "only the changed file travels");

            den.delete("acme/tiny@1", false);
            assertFalse(den.has("acme/tiny@1"));
            assertFalse(server.den().has("acme/tiny@1"));
            assertEquals(Map.of(), den.aliases("acme/tiny"), "the alias of a deleted version goes with it");
            ModelNotFoundException missing = assertThrows(ModelNotFoundException.class, () -> den.fetch("acme/tiny@1"));
            assertTrue(missing.getMessage().contains("versions are 2"), missing.getMessage());
        }
    }

    @Test
    void aSecondClientSeesWhatTheFirstPushed() throws Exception {
        Path src = model(tmp.resolve("m"), "a.txt", "hello");
        try (DenServer server = DenServer.builder(tmp.resolve("served")).keys(keys()).start();
                Den writer = client(server, WRITER, tmp.resolve("c1"));
                Den reader = client(server, READER, tmp.resolve("c2"))) {
            assertEquals(List.of(), reader.list());
            writer.push(PushRequest.builder(src, "acme/a").build());
            writer.alias("acme/a", "prod", 1);
            assertEquals("hello", Files.readString(reader.fetch("acme/a@prod").resolve("a.txt")));
        }
    }

    @Test
    void denTypeHttpOpensThroughTheProviderBehindTheLocalCache() throws Exception {
        Path src = model(tmp.resolve("m"), "a.txt", "hello");
        try (DenServer server = DenServer.builder(tmp.resolve("served")).keys(keys()).start()) {
            server.den().push(PushRequest.builder(src, "acme/a").build());
            DenConfig config = DenConfig.fromEnvironment(Map.of("DEN4J_TYPE", "http",
                    "DEN4J_REMOTE_HOST", server.url().toString(),
                    "DEN4J_LOCAL_CACHE_PATH", tmp.resolve("cache").toString()));
            HttpBackend.Settings settings = HttpBackend.Settings.from(config.backendSpec(),
                    Map.of(HttpBackend.TOKEN_VARIABLE, READER));
            assertEquals(READER, settings.token());
            assertEquals(tmp.resolve("cache").resolve("http").resolve("127.0.0.1_" + server.port()),
                    settings.workDirectory());
            // The provider reads DEN4J_REMOTE_TOKEN from the process; this server lets anyone read.
            try (DenServer open = DenServer.builder(tmp.resolve("served2")).start()) {
                open.den().push(PushRequest.builder(src, "acme/a").build());
                DenConfig openConfig = DenConfig.fromEnvironment(Map.of("DEN4J_TYPE", "http",
                        "DEN4J_REMOTE_HOST", open.url().toString(),
                        "DEN4J_LOCAL_CACHE_PATH", tmp.resolve("cache").toString()));
                try (Den den = Den.open(openConfig)) {
                    assertTrue(den.cache().isPresent(), "a remote den gets the read-through cache");
                    assertEquals("hello", Files.readString(den.fetch("acme/a").resolve("a.txt")));
                    assertEquals(open.url().toString(), den.location());
                }
            }
        }
    }

    @Test
    void cachedModelStillFetchesWhenTheServerIsDown() throws Exception {
        Path src = model(tmp.resolve("m"), "a.txt", "hello");
        DenServer server = DenServer.builder(tmp.resolve("served")).start();
        server.den().push(PushRequest.builder(src, "acme/a").build());
        DenConfig config = DenConfig.fromEnvironment(Map.of("DEN4J_TYPE", "http",
                "DEN4J_REMOTE_HOST", server.url().toString(),
                "DEN4J_LOCAL_CACHE_PATH", tmp.resolve("cache").toString()));
        try (Den den = Den.open(config)) {
            Path first = den.fetch("acme/a");
            server.close();
            assertEquals(first, den.fetch("acme/a"), "served from the cache while the server is down");
        } finally {
            server.close();
        }
    }
}
