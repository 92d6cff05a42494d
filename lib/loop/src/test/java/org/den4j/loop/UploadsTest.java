package org.den4j.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedWriter;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.den4j.den.Den;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bulk ingestion through the HTTP API. */
class UploadsTest {
    @TempDir
    static Path dir;
    private static String url;
    private static Den den;
    private static LoopServer server;
    private static LoopClient client;

    @BeforeAll
    static void start() {
        url = TestPostgres.newDatabase("uploads");
        den = Den.at(dir.resolve("den"));
        server = LoopServer.builder(LoopDatabase.Location.url(url), den).algorithms(MemorizingAlgorithm.algorithms())
                .workDirectory(dir.resolve("work")).workers(0).start();
        client = new LoopClient(server.url(), new Tenants(server.database()).add("uploader").key());
        client.post("/api/v1/label-sets", Map.of("name", "single", "multi_label", false, "algorithm",
                MemorizingAlgorithm.NAME)).ok();
        client.post("/api/v1/label-sets", Map.of("name", "multi", "multi_label", true, "algorithm",
                MemorizingAlgorithm.NAME)).ok();
    }

    @AfterAll
    static void stop() {
        server.close();
        den.close();
    }

    private static JsonNode upload(String set, byte[] body, String type) {
        JsonNode accepted = client.upload("/api/v1/label-sets/" + set + "/uploads", body, type).ok();
        return client.awaitJob(accepted.get("job_id").asLong(), Duration.ofSeconds(60));
    }

    private static byte[] gzip(String text) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bytes)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }

    @Test
    void brokenCsvRowsAreKeptWithLineAndReason() {
        String csv = "text,labels,external_id\n"
                + "chest pain and hypertension,I10,a1\n"
                + "\"a quoted, multi\nline note\",E11|I10,a2\n"
                + ",I10,a3\n"
                + "too,many,fields,here\n"
                + "chest pain and hypertension,I10,a4\n"
                + "unlabelled note,,a5\n";
        JsonNode job = upload("multi", csv.getBytes(StandardCharsets.UTF_8), "text/csv");
        assertEquals("succeeded", job.get("status").asText(), job.toString());
        JsonNode r = job.get("result");
        assertEquals(6, r.get("rows").asInt(), r.toString());
        assertEquals(3, r.get("stored").asInt(), r.toString());
        assertEquals(1, r.get("duplicates").asInt(), "the same text twice is stored once");
        assertEquals(2, r.get("failed").asInt());
        assertEquals(5, r.get("failures").get(0).get("line").asInt(), r.toString());
        assertEquals("text is empty", r.get("failures").get(0).get("reason").asText());
        assertEquals(6, r.get("failures").get(1).get("line").asInt());
        assertTrue(r.get("failures").get(1).get("reason").asText().contains("4 fields"), r.toString());
        JsonNode all = client.get("/api/v1/jobs/" + job.get("id").asLong() + "/failures").ok().get("failures");
        assertEquals(2, all.size());
        assertEquals("too,many,fields,here", all.get(1).get("raw").asText());
    }

    @Test
    void jsonLinesInGzipAreRecognisedByTheirMagicBytes() throws Exception {
        String lines = "{\"text\":\"note one\",\"labels\":[\"I10\"]}\n"
                + "not json at all\n"
                + "{\"text\":\"note two\",\"labels\":\"I10\"}\n"
                + "\n"
                + "{\"text\":\"note three\",\"labels\":[\"I10\",\"E11\"],\"metadata\":{\"ward\":\"B\"}}\n"
                + "{\"text\":\"note four\",\"external_id\":\"x4\"}\n";
        JsonNode job = upload("single", gzip(lines), "application/octet-stream");
        assertEquals("succeeded", job.get("status").asText(), job.toString());
        JsonNode r = job.get("result");
        assertEquals(5, r.get("rows").asInt());
        assertEquals(2, r.get("stored").asInt());
        assertEquals(3, r.get("failed").asInt());
        assertEquals(2, r.get("failures").get(0).get("line").asInt());
        assertTrue(r.get("failures").get(0).get("reason").asText().startsWith("not JSON"));
        assertEquals("labels is not an array of strings", r.get("failures").get(1).get("reason").asText());
        assertEquals(5, r.get("failures").get(2).get("line").asInt());
        assertTrue(r.get("failures").get(2).get("reason").asText().contains("single-label"));
        JsonNode same = upload("single", gzip(lines), "application/x-ndjson");
        assertEquals(2, same.get("result").get("duplicates").asInt(), "a second upload of the same rows stores none");
    }

    @Test
    void aGzipThatIsNotGzipIsRefused() throws Exception {
        LoopClient.Response declared = client.upload("/api/v1/label-sets/single/uploads",
                "text\nplain\n".getBytes(StandardCharsets.UTF_8), "application/gzip");
        assertEquals(415, declared.status());
        assertTrue(declared.body().path("error").path("message").asText().contains("magic bytes"));
        byte[] broken = gzip("{\"text\":\"a\"}\n".repeat(1000));
        byte[] cut = java.util.Arrays.copyOf(broken, broken.length / 2);
        cut[12] ^= 0x55;
        JsonNode job = upload("single", cut, "application/x-ndjson");
        assertEquals("failed", job.get("status").asText(), job.toString());
        assertTrue(job.get("error").asText().contains("not valid gzip"), job.toString());
    }

    @Test
    void anEmptyFileIsRefusedAtOnce() throws Exception {
        LoopClient.Response empty = client.upload("/api/v1/label-sets/single/uploads", new byte[0], "text/csv");
        assertEquals(400, empty.status());
        assertTrue(empty.body().path("error").path("message").asText().startsWith("The upload is empty"));
        JsonNode headerOnly = upload("single", "text,labels\n".getBytes(StandardCharsets.UTF_8), "text/csv");
        assertEquals("failed", headerOnly.get("status").asText());
        assertTrue(headerOnly.get("error").asText().contains("no rows"), headerOnly.toString());
        JsonNode noText = upload("single", "body,labels\nx,y\n".getBytes(StandardCharsets.UTF_8), "text/csv");
        assertTrue(noText.get("error").asText().contains("no 'text' column"), noText.toString());
    }

    @Test
    void aHundredMegabyteFileStreamsThroughAServerWithASmallHeap() throws Exception {
        Path file = dir.resolve("big.jsonl");
        long rows = 0;
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            String padding = "x".repeat(150);
            long bytes = 0;
            while (bytes < 100L << 20) {
                String line = "{\"text\":\"row " + rows + " " + padding + "\",\"labels\":[\"L" + (rows % 7) + "\"]}\n";
                w.write(line);
                bytes += line.length();
                rows++;
            }
        }
        assertTrue(Files.size(file) >= 100L << 20, "the file is at least 100 MB: " + Files.size(file));
        Path den2 = dir.resolve("den-child");
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(javaBin, "-Xmx96m", "-cp", System.getProperty("java.class.path"),
                LoopCommand.class.getName(), "serve", "--db-url", url, "--port", "0", "--den", den2.toString(),
                "--workers", "0", "--work-dir", dir.resolve("child-work").toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("child.log").toFile()).start();
        try {
            String base = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (base == null && child.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(200);
                for (String line : Files.readAllLines(dir.resolve("child.log"))) {
                    if (line.startsWith("den4j loop serving ")) {
                        base = line.split(" ")[3];
                    }
                }
            }
            assertTrue(base != null, "the child server started");
            LoopClient small = new LoopClient(java.net.URI.create(base), new Tenants(server.database()).add("big").key());
            small.post("/api/v1/label-sets", Map.of("name", "big", "multi_label", false, "algorithm", "naive-bayes")).ok();
            long id = small.upload("/api/v1/label-sets/big/uploads", file, "application/x-ndjson").ok().get("job_id")
                    .asLong();
            JsonNode job = small.awaitJob(id, Duration.ofMinutes(8));
            assertEquals("succeeded", job.get("status").asText(), job.toString());
            assertEquals(rows, job.get("result").get("stored").asLong());
            assertEquals(0, job.get("result").get("failed").asLong());
            assertTrue(child.isAlive(), "the 96 MB heap server is still up");
            System.out.println("100 MB upload: " + job.get("result"));
        } finally {
            child.destroy();
            child.waitFor(20, TimeUnit.SECONDS);
        }
    }
}
