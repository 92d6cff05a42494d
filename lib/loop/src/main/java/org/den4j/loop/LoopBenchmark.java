package org.den4j.loop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.den4j.command.Commands;
import org.den4j.den.Den;
import org.postgresql.PGConnection;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./jbang bench-loop}: the feedback loop's figures from one run on embedded PostgreSQL.
 *
 * <ol>
 *   <li>Bulk ingestion: rows/s of a JSON Lines upload (parse, validate, deduplicate, store with confirmed
 *       labels) against PostgreSQL {@code COPY} of the same rows into a plain table (aim at least 0.5x).
 *   <li>Predict p95 latency while a training job runs against idle (aim at most 1.2x).
 *   <li>Failed predictions across 10 promotions under load, with a second server in its own JVM on the same
 *       database (aim 0).
 *   <li>Isolation: interleaved requests of two tenants through one pool, rows of the other tenant seen (aim 0).
 * </ol>
 */
@Command(name = "bench-loop", mixinStandardHelpOptions = true,
        description = "Measures the feedback loop on embedded PostgreSQL and prints the figures with their aims.")
public final class LoopBenchmark implements Callable<Integer> {
    @Option(names = "--rows", defaultValue = "100000", description = "Rows of the ingestion run (default: ${DEFAULT-VALUE}).")
    int rows;
    @Option(names = "--promotions", defaultValue = "10", description = "Promotions under load (default: ${DEFAULT-VALUE}).")
    int promotions;
    @Option(names = "--requests", defaultValue = "10000", description = "Isolation requests (default: ${DEFAULT-VALUE}).")
    int requests;
    @Option(names = "--predicts", defaultValue = "600", description = "Idle predictions for the p95 (default: ${DEFAULT-VALUE}).")
    int predicts;
    @Option(names = "--work-dir", description = "Where the database, den and files go (default: a temporary folder).")
    Path workDir;
    @Spec
    CommandLine.Model.CommandSpec spec;

    private final ObjectMapper json = LoopJson.mapper();

    /** The command line on lib/command's policy. */
    public static CommandLine commandLine() {
        return Commands.line(new LoopBenchmark());
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Path work = workDir != null ? workDir : Files.createTempDirectory("den4j-bench-loop");
        List<String[]> table = new ArrayList<>();
        try (Den den = Den.at(work.resolve("den"));
             LoopServer one = LoopServer.builder(LoopDatabase.Location.embedded(work.resolve("db")), den)
                     .workDirectory(work.resolve("w1")).workers(1).poolSize(24).start()) {
            Tenants tenants = new Tenants(one.database());
            LoopClient client = new LoopClient(one.url(), tenants.add("bench").key());
            out.println("bench-loop: server " + one.url() + ", work " + work);
            out.flush();
            ingestion(out, one, client, work, table);
            latency(out, client, table);
            promotions(out, one, client, work, table);
            isolation(out, one, tenants, table);
        }
        out.println();
        out.printf("%-52s %-26s %s%n", "figure", "value", "aim");
        for (String[] row : table) {
            out.printf("%-52s %-26s %s%n", row[0], row[1], row[2]);
        }
        out.println("date " + Instant.now() + "; " + uptime());
        out.flush();
        return 0;
    }

    static String uptime() {
        try {
            Process p = new ProcessBuilder("uptime").redirectErrorStream(true).start();
            String s = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            p.waitFor(5, TimeUnit.SECONDS);
            return "uptime: " + s;
        } catch (IOException | InterruptedException e) {
            return "uptime: unavailable";
        }
    }

    private static List<Map<String, Object>> items(List<SyntheticNotes.Note> notes) {
        List<Map<String, Object>> items = new ArrayList<>();
        for (SyntheticNotes.Note n : notes) {
            items.add(Map.of("text", n.text(), "labels", new ArrayList<>(n.codes())));
        }
        return items;
    }

    private static void add(LoopClient client, String set, List<SyntheticNotes.Note> notes) {
        List<Map<String, Object>> all = items(notes);
        for (int i = 0; i < all.size(); i += Observations.MAX_ITEMS) {
            client.post("/api/v1/label-sets/" + set + "/observations", Map.of("items",
                    all.subList(i, Math.min(all.size(), i + Observations.MAX_ITEMS)))).ok();
        }
    }

    private static JsonNode train(LoopClient client, String set) {
        long id = client.post("/api/v1/label-sets/" + set + "/train", null).ok().get("job_id").asLong();
        JsonNode job = client.awaitJob(id, Duration.ofMinutes(15));
        if (!job.get("status").asText().equals("succeeded")) {
            throw new LoopException("Training " + set + " failed: " + job);
        }
        return job;
    }

    private void ingestion(PrintWriter out, LoopServer server, LoopClient client, Path work, List<String[]> table)
            throws Exception {
        client.post("/api/v1/label-sets", Map.of("name", "ingest", "multi_label", true)).ok();
        Path jsonl = work.resolve("ingest.jsonl");
        Path csv = work.resolve("ingest.csv");
        try (BufferedWriter j = Files.newBufferedWriter(jsonl); BufferedWriter c = Files.newBufferedWriter(csv)) {
            for (SyntheticNotes.Note n : SyntheticNotes.generate(rows, 7, true)) {
                j.write(json.writeValueAsString(Map.of("text", n.text(), "labels", n.codes())));
                j.write('\n');
                c.write("\"" + n.text().replace("\"", "\"\"") + "\",\"{" + String.join(",", n.codes()) + "}\"\n");
            }
        }
        long copyNanos;
        try (Connection c = DriverManager.getConnection(server.database().jdbcUrl());
             Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS public.bench_copy");
            s.execute("CREATE TABLE public.bench_copy (text text, labels text[])");
            long t0 = System.nanoTime();
            try (Reader r = Files.newBufferedReader(csv)) {
                c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY public.bench_copy FROM STDIN (FORMAT csv)", r);
            }
            copyNanos = System.nanoTime() - t0;
            s.execute("DROP TABLE public.bench_copy");
        }
        long t0 = System.nanoTime();
        long id = client.upload("/api/v1/label-sets/ingest/uploads", jsonl, "application/x-ndjson").ok()
                .get("job_id").asLong();
        JsonNode job = client.awaitJob(id, Duration.ofMinutes(30));
        long loopNanos = System.nanoTime() - t0;
        if (!job.get("status").asText().equals("succeeded") || job.get("result").get("stored").asLong() != rows) {
            throw new LoopException("The ingestion upload did not store every row: " + job);
        }
        double copyRate = rows / (copyNanos / 1e9);
        double loopRate = rows / (loopNanos / 1e9);
        out.printf("ingestion: %d rows, upload %.0f rows/s, COPY %.0f rows/s%n", rows, loopRate, copyRate);
        out.flush();
        table.add(new String[] {"upload rows/s (" + rows + " JSON Lines rows, labels)", String.format("%.0f", loopRate),
                ""});
        table.add(new String[] {"COPY into a plain table rows/s", String.format("%.0f", copyRate), ""});
        table.add(new String[] {"upload / COPY", String.format("%.2fx", loopRate / copyRate), ">= 0.5x"});
    }

    private static double p95(List<Long> nanos) {
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        return sorted.isEmpty() ? Double.NaN : sorted.get((int) Math.min(sorted.size() - 1,
                Math.ceil(sorted.size() * 0.95) - 1)) / 1e6;
    }

    private List<Long> predictWhile(LoopClient client, int threads, java.util.function.BooleanSupplier go, int max) {
        ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        AtomicInteger count = new AtomicInteger();
        List<Thread> ts = new ArrayList<>();
        List<SyntheticNotes.Note> texts = SyntheticNotes.generate(200, 99, false);
        for (int t = 0; t < threads; t++) {
            int offset = t;
            Thread th = new Thread(() -> {
                int i = offset;
                while (go.getAsBoolean() && count.incrementAndGet() <= max) {
                    long s = System.nanoTime();
                    client.post("/api/v1/label-sets/predict/predict", Map.of("text", texts.get(i++ % texts.size())
                            .text())).ok();
                    latencies.add(System.nanoTime() - s);
                }
            });
            th.start();
            ts.add(th);
        }
        for (Thread th : ts) {
            try {
                th.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return new ArrayList<>(latencies);
    }

    private void latency(PrintWriter out, LoopClient client, List<String[]> table) {
        client.post("/api/v1/label-sets", Map.of("name", "predict", "multi_label", true)).ok();
        add(client, "predict", SyntheticNotes.generate(3000, 8, true));
        train(client, "predict");
        predictWhile(client, 2, () -> true, 100); // warm-up
        List<Long> idle = predictWhile(client, 2, () -> true, predicts);
        long id = client.post("/api/v1/label-sets/ingest/train", null).ok().get("job_id").asLong();
        AtomicBoolean running = new AtomicBoolean(false);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (!running.get() && System.nanoTime() < deadline) {
            running.set(client.get("/api/v1/jobs/" + id).ok().get("status").asText().equals("running"));
        }
        AtomicLong lastCheck = new AtomicLong(System.nanoTime());
        List<Long> busy = predictWhile(client, 2, () -> {
            if (System.nanoTime() - lastCheck.get() > 200_000_000L) {
                lastCheck.set(System.nanoTime());
                running.set(client.get("/api/v1/jobs/" + id).ok().get("status").asText().equals("running"));
            }
            return running.get();
        }, Integer.MAX_VALUE);
        JsonNode job = client.awaitJob(id, Duration.ofMinutes(30));
        double idleP95 = p95(idle);
        double busyP95 = p95(busy);
        out.printf("predict p95: idle %.1f ms (%d calls), while training %.1f ms (%d calls; training %s in %.1f s)%n",
                idleP95, idle.size(), busyP95, busy.size(), job.get("status").asText(),
                job.path("result").path("train_seconds").asDouble());
        out.flush();
        table.add(new String[] {"predict p95 idle (2 clients)", String.format("%.1f ms", idleP95), ""});
        table.add(new String[] {"predict p95 while training " + rows + " rows", String.format("%.1f ms (%d calls)",
                busyP95, busy.size()), ""});
        table.add(new String[] {"while training / idle", String.format("%.2fx", busyP95 / idleP95), "<= 1.2x"});
    }

    private void promotions(PrintWriter out, LoopServer one, LoopClient client, Path work, List<String[]> table)
            throws Exception {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path log = work.resolve("server-two.log");
        Process child = new ProcessBuilder(javaBin, "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"),
                LoopCommand.class.getName(), "serve", "--db-url", one.database().jdbcUrl(), "--port", "0", "--den",
                work.resolve("den").toString(), "--workers", "0", "--work-dir", work.resolve("w2").toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            String base = null;
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            while (base == null && child.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(200);
                for (String line : Files.readAllLines(log)) {
                    if (line.startsWith("den4j loop serving ")) {
                        base = line.split(" ")[3];
                    }
                }
            }
            if (base == null) {
                throw new LoopException("The second server did not start; see " + log);
            }
            LoopClient two = client.at(URI.create(base));
            client.post("/api/v1/label-sets", Map.of("name", "swap", "multi_label", true, "min_gain", -1.0,
                    "macro_tolerance", 1.0)).ok();
            add(client, "swap", SyntheticNotes.generate(400, 40, true));
            train(client, "swap");
            AtomicBoolean go = new AtomicBoolean(true);
            AtomicInteger sent = new AtomicInteger();
            AtomicInteger failed = new AtomicInteger();
            ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
            List<Thread> load = new ArrayList<>();
            for (LoopClient c : List.of(client, two, client, two)) {
                Thread t = new Thread(() -> {
                    while (go.get()) {
                        LoopClient.Response r;
                        try {
                            r = c.post("/api/v1/label-sets/swap/predict", Map.of("text", "cough fever insulin"));
                        } catch (LoopException e) {
                            r = new LoopClient.Response(0, json.getNodeFactory().textNode(e.getMessage()));
                        }
                        sent.incrementAndGet();
                        if (r.status() != 200) {
                            failed.incrementAndGet();
                            errors.add(r.body().toString());
                        }
                    }
                });
                t.start();
                load.add(t);
            }
            int promoted = 0;
            for (int i = 0; i < promotions; i++) {
                add(client, "swap", SyntheticNotes.generate(20, 100 + i, true));
                if (train(client, "swap").get("result").get("promoted").asBoolean()) {
                    promoted++;
                }
            }
            Thread.sleep(1000);
            go.set(false);
            for (Thread t : load) {
                t.join();
            }
            int last = client.post("/api/v1/label-sets/swap/predict", Map.of("text", "x")).ok().get("model")
                    .get("version").asInt();
            int lastTwo = two.post("/api/v1/label-sets/swap/predict", Map.of("text", "x")).ok().get("model")
                    .get("version").asInt();
            out.printf("promotions: %d promoted, %d predictions on two servers, %d failed, both serve v%d/v%d%n",
                    promoted, sent.get(), failed.get(), last, lastTwo);
            if (!errors.isEmpty()) {
                out.println("first failure: " + errors.peek());
            }
            out.flush();
            table.add(new String[] {"failed predictions over " + promoted + " promotions (2 servers)",
                    failed.get() + " of " + sent.get(), "0"});
        } finally {
            child.destroy();
            child.waitFor(20, TimeUnit.SECONDS);
        }
    }

    private void isolation(PrintWriter out, LoopServer server, Tenants tenants, List<String[]> table)
            throws InterruptedException {
        LoopClient a = new LoopClient(server.url(), tenants.add("iso-a").key());
        LoopClient b = new LoopClient(server.url(), tenants.add("iso-b").key());
        long[] jobs = new long[2];
        int k = 0;
        for (LoopClient c : List.of(a, b)) {
            String prefix = c == a ? "A" : "B";
            c.post("/api/v1/label-sets", Map.of("name", "shared", "multi_label", false)).ok();
            c.post("/api/v1/label-sets", Map.of("name", "only-" + prefix.toLowerCase(), "multi_label", false)).ok();
            List<Map<String, Object>> items = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                items.add(Map.of("text", prefix + " note " + i, "labels", List.of(prefix + "-" + (i % 4))));
            }
            c.post("/api/v1/label-sets/shared/observations", Map.of("items", items)).ok();
            jobs[k++] = c.upload("/api/v1/label-sets/shared/uploads", ("text\n" + prefix + " upload\n")
                    .getBytes(StandardCharsets.UTF_8), "text/csv").ok().get("job_id").asLong();
        }
        AtomicInteger done = new AtomicInteger();
        AtomicInteger foreign = new AtomicInteger();
        AtomicInteger wrong = new AtomicInteger();
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            Random random = new Random(t);
            Thread th = new Thread(() -> {
                while (done.incrementAndGet() <= requests) {
                    boolean isA = random.nextBoolean();
                    LoopClient c = isA ? a : b;
                    String own = isA ? "A" : "B";
                    switch (random.nextInt(3)) {
                        case 0 -> {
                            for (JsonNode s : c.get("/api/v1/label-sets").ok().get("label_sets")) {
                                String name = s.get("name").asText();
                                if (!name.equals("shared") && !name.equals("only-" + own.toLowerCase())) {
                                    foreign.incrementAndGet();
                                }
                            }
                        }
                        case 1 -> {
                            for (JsonNode l : c.get("/api/v1/label-sets/shared/labels").ok().get("labels")) {
                                if (!l.get("name").asText().startsWith(own + "-")) {
                                    foreign.incrementAndGet();
                                }
                            }
                        }
                        default -> {
                            if (c.get("/api/v1/jobs/" + jobs[isA ? 1 : 0]).status() != 404) {
                                foreign.incrementAndGet();
                            }
                            if (c.get("/api/v1/jobs/" + jobs[isA ? 0 : 1]).status() != 200) {
                                wrong.incrementAndGet();
                            }
                        }
                    }
                }
            });
            th.start();
            ts.add(th);
        }
        for (Thread th : ts) {
            th.join();
        }
        out.printf("isolation: %d interleaved requests of two tenants, %d rows of the other tenant seen, %d own reads "
                + "refused%n", requests, foreign.get(), wrong.get());
        out.flush();
        table.add(new String[] {"other tenant's rows seen in " + requests + " requests", Integer.toString(foreign.get()),
                "0"});
    }
}
