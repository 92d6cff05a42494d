package org.den4j.loop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.postgresql.PGConnection;

/**
 * Bulk ingestion: a CSV or JSON Lines file (gzip-compressed or not, recognised by its magic bytes) runs
 * through the steps parse → validate → deduplicate → store → optionally predict, streamed: the body is
 * spooled to a temporary file as it arrives and read back row by row, so a file of any size is never held
 * in memory.
 *
 * <p>Storing goes in batches through PostgreSQL {@code COPY} into a temporary staging table (COPY cannot
 * write a table with row-level security directly), then one {@code INSERT ... SELECT ... ON CONFLICT DO
 * NOTHING} per batch that applies the tenant's policy and deduplicates against the label set's unique text
 * hash and external id. Each row that fails is kept with its line and reason ({@code upload_failures}).
 * The request is answered at once (202) with a job whose result counts stored, duplicate and failed rows.
 */
public final class Uploads implements AutoCloseable {
    /** Rows per COPY batch. */
    public static final int BATCH = 5000;
    /** Failures listed in the job's result (all are kept in the database). */
    public static final int LISTED_FAILURES = 100;
    private static final int MAX_TEXT = 1 << 20;
    private static final System.Logger LOG = System.getLogger(Uploads.class.getName());

    private final LoopDatabase db;
    private final JobQueue queue;
    private final Champions champions;
    private final ObjectMapper json;
    private final Path spool;
    private final long maxBytes;
    private final String worker;
    private final ExecutorService executor;
    private final ScheduledExecutorService heartbeats;

    /**
     * Uploads spooled under {@code spool}, at most {@code maxBytes} each, processed by {@code threads}
     * threads of this process under the worker name {@code worker}.
     */
    public Uploads(LoopDatabase db, JobQueue queue, Champions champions, ObjectMapper json, Path spool, long maxBytes,
            int threads, String worker) {
        this.db = Objects.requireNonNull(db, "db");
        this.queue = Objects.requireNonNull(queue, "queue");
        this.champions = Objects.requireNonNull(champions, "champions");
        this.json = Objects.requireNonNull(json, "json");
        this.spool = Objects.requireNonNull(spool, "spool");
        this.maxBytes = maxBytes;
        this.worker = worker;
        this.executor = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "den4j-loop-upload");
            t.setDaemon(true);
            return t;
        });
        this.heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "den4j-loop-upload-heartbeat");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Receives an upload: spools {@code body}, checks it, queues its processing and returns the job's id at
     * once.
     *
     * @param contentType the request's {@code Content-Type}
     * @param predict also predict each new unlabelled observation with the champion (as suggestions)
     * @throws LoopInputException 400 for an empty body, 413 past the size limit, 415 for another type or a
     *     body that claims gzip without being gzip
     */
    public long receive(Caller caller, String setName, String contentType, InputStream body, boolean predict)
            throws IOException {
        caller.requireWrite("upload observations");
        UploadFormat declared = UploadFormat.ofContentType(contentType);
        LabelSet set = new LabelSets(db, null).get(caller, setName);
        Files.createDirectories(spool);
        Path file = Files.createTempFile(spool, "upload-", ".part");
        try {
            long size = copy(body, file);
            if (size == 0) {
                throw new LoopInputException("The upload is empty; send a CSV file with a header row or JSON Lines");
            }
            boolean gzip = isGzip(file);
            if (UploadFormat.promisesGzip(contentType) && !gzip) {
                throw new LoopInputException(415, "The upload says " + contentType + " but does not start with gzip's "
                        + "magic bytes 1f 8b; send the file as it is with text/csv or application/x-ndjson");
            }
            ObjectNode params = json.createObjectNode().put("format", declared == null ? "detect" : declared.name())
                    .put("gzip", gzip).put("bytes", size).put("predict", predict);
            Duration lease = Duration.ofSeconds(60);
            JobQueue.Claim claim = db.inTenant(caller.tenantId(), c -> queue.startOwn(c, caller.tenantId(), set.id(),
                    "upload", params, "upload by " + caller.author(), worker, lease));
            executor.submit(() -> process(claim, set, file, declared, gzip, predict, lease));
            return claim.id();
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(file);
            throw e;
        }
    }

    private long copy(InputStream body, Path file) throws IOException {
        long total = 0;
        byte[] buffer = new byte[1 << 16];
        try (OutputStream out = Files.newOutputStream(file)) {
            int n;
            while ((n = body.read(buffer)) > 0) {
                total += n;
                if (total > maxBytes) {
                    throw new LoopInputException(413, "The upload is larger than " + maxBytes + " bytes; split it or "
                            + "start the server with a larger --max-upload-bytes");
                }
                out.write(buffer, 0, n);
            }
        }
        return total;
    }

    private static boolean isGzip(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.read() == 0x1f && in.read() == 0x8b;
        }
    }

    /** Counts and failures of one upload. */
    private final class Tally {
        long rows;
        long stored;
        long duplicates;
        long failed;
        long predicted;
        final ArrayNode failures = json.createArrayNode();
        final List<Object[]> pendingFailures = new ArrayList<>();

        void fail(long line, String reason, String raw) {
            failed++;
            if (failures.size() < LISTED_FAILURES) {
                failures.add(json.createObjectNode().put("line", line).put("reason", reason));
            }
            pendingFailures.add(new Object[] {line, reason, raw == null ? null : raw.length() > 2000
                    ? raw.substring(0, 2000) : raw});
        }
    }

    /** A row that passed validation. */
    private record Row(long line, String text, Set<String> labels, String externalId, String metadata) {
    }

    private void process(JobQueue.Claim claim, LabelSet set, Path file, UploadFormat declared, boolean gzip,
            boolean predict, Duration lease) {
        long start = System.nanoTime();
        ScheduledFuture<?> beat = heartbeats.scheduleAtFixedRate(() -> {
            try {
                queue.heartbeat(claim, lease);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "Heartbeat of upload " + claim.id() + " failed: " + e.getMessage());
            }
        }, lease.toMillis() / 3, lease.toMillis() / 3, TimeUnit.MILLISECONDS);
        Tally tally = new Tally();
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            InputStream in = gzip ? new GZIPInputStream(raw, 1 << 16) : raw;
            BufferedInputStream content = new BufferedInputStream(in, 1 << 16);
            UploadFormat format = declared != null ? declared : sniff(content);
            Reader reader = new InputStreamReader(content, StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT));
            List<Row> batch = new ArrayList<>(BATCH);
            RowSink sink = row -> {
                batch.add(row);
                if (batch.size() >= BATCH) {
                    store(claim, set, batch, tally, predict);
                    batch.clear();
                }
            };
            if (format == UploadFormat.CSV) {
                parseCsv(reader, set, tally, sink);
            } else {
                parseJsonLines(reader, set, tally, sink);
            }
            store(claim, set, batch, tally, predict);
            if (tally.rows == 0) {
                throw new LoopInputException("The upload has no rows" + (format == UploadFormat.CSV
                        ? " after its header" : ""));
            }
            ObjectNode result = result(tally, start);
            db.inTenant(claim.tenantId(), c -> {
                queue.succeed(c, claim, result);
                return null;
            });
        } catch (ZipException e) {
            finishFailed(claim, tally, start, "The upload starts like gzip but is not valid gzip data (" + e.getMessage()
                    + "); compress it again or send it uncompressed");
        } catch (CharacterCodingException e) {
            finishFailed(claim, tally, start, "The upload is not UTF-8 text; convert it to UTF-8");
        } catch (IOException | RuntimeException e) {
            if (e instanceof UncheckedIOException u && u.getCause() instanceof CharacterCodingException) {
                finishFailed(claim, tally, start, "The upload is not UTF-8 text; convert it to UTF-8");
            } else {
                finishFailed(claim, tally, start, e.getMessage() == null ? e.toString() : e.getMessage());
            }
        } finally {
            beat.cancel(false);
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // the spool file is only disk space
            }
        }
    }

    private ObjectNode result(Tally tally, long start) {
        ObjectNode result = json.createObjectNode();
        result.put("rows", tally.rows);
        result.put("stored", tally.stored);
        result.put("duplicates", tally.duplicates);
        result.put("failed", tally.failed);
        result.put("predicted", tally.predicted);
        result.put("seconds", (System.nanoTime() - start) / 1e9);
        result.set("failures", tally.failures);
        return result;
    }

    private void finishFailed(JobQueue.Claim claim, Tally tally, long start, String error) {
        try {
            ObjectNode result = result(tally, start);
            db.inTenant(claim.tenantId(), c -> {
                try (PreparedStatement ps = c.prepareStatement("UPDATE jobs SET status = 'failed', error = ?, result = "
                        + "?::jsonb, finished_at = now(), locked_until = NULL WHERE id = ? AND locked_by = ?")) {
                    ps.setString(1, error);
                    ps.setString(2, result.toString());
                    ps.setLong(3, claim.id());
                    ps.setString(4, claim.worker());
                    ps.executeUpdate();
                }
                return null;
            });
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "Recording the failure of upload " + claim.id() + " failed: "
                    + e.getMessage());
        }
    }

    private static UploadFormat sniff(BufferedInputStream in) throws IOException {
        in.mark(4096);
        byte[] head = in.readNBytes(4096);
        in.reset();
        for (byte b : head) {
            if (!Character.isWhitespace(b) && b != (byte) 0xEF && b != (byte) 0xBB && b != (byte) 0xBF) {
                return b == '{' ? UploadFormat.JSON_LINES : UploadFormat.CSV;
            }
        }
        return UploadFormat.CSV;
    }

    @FunctionalInterface
    private interface RowSink {
        void accept(Row row);
    }

    // ---------------------------------------------------------------- parse and validate

    private void parseCsv(Reader reader, LabelSet set, Tally tally, RowSink sink) throws IOException {
        CSVFormat format = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).setTrim(false)
                .setAllowMissingColumnNames(true).get();
        try (CSVParser parser = CSVParser.parse(reader, format)) {
            if (!parser.getHeaderMap().containsKey("text")) {
                throw new LoopInputException("The CSV header " + parser.getHeaderNames() + " has no 'text' column; "
                        + "write text,labels,external_id (labels separated by |)");
            }
            int columns = parser.getHeaderNames().size();
            long line = parser.getCurrentLineNumber() + 1;
            var it = parser.iterator();
            while (true) {
                CSVRecord record;
                try {
                    if (!it.hasNext()) {
                        break;
                    }
                    record = it.next();
                } catch (UncheckedIOException e) {
                    if (e.getCause() instanceof CharacterCodingException) {
                        throw e;
                    }
                    tally.rows++;
                    tally.fail(line, "malformed CSV (" + e.getCause().getMessage() + "); the rest of the file was "
                            + "not read", null);
                    return;
                }
                tally.rows++;
                long recordLine = line;
                line = parser.getCurrentLineNumber() + 1;
                if (record.size() != columns) {
                    tally.fail(recordLine, "has " + record.size() + " fields; the header has " + columns,
                            String.join(",", record.values()));
                    continue;
                }
                String labels = record.isMapped("labels") ? record.get("labels") : null;
                validate(set, tally, sink, recordLine, record.get("text"),
                        labels == null || labels.isBlank() ? List.of() : Arrays.asList(labels.split("\\|")),
                        record.isMapped("external_id") ? emptyToNull(record.get("external_id")) : null, null,
                        String.join(",", record.values()));
            }
        }
    }

    private void parseJsonLines(Reader reader, LabelSet set, Tally tally, RowSink sink) throws IOException {
        BufferedReader lines = new BufferedReader(reader, 1 << 16);
        String text;
        long line = 0;
        while ((text = lines.readLine()) != null) {
            line++;
            if (text.isBlank()) {
                continue;
            }
            tally.rows++;
            JsonNode node;
            try {
                node = json.readTree(new StringReader(text));
            } catch (IOException e) {
                tally.fail(line, "not JSON: " + firstLine(e.getMessage()), text);
                continue;
            }
            if (!node.isObject()) {
                tally.fail(line, "not a JSON object", text);
                continue;
            }
            JsonNode t = node.get("text");
            if (t != null && !t.isTextual()) {
                tally.fail(line, "text is not a string", text);
                continue;
            }
            List<String> labels = new ArrayList<>();
            JsonNode l = node.get("labels");
            if (l != null && !l.isNull()) {
                if (!l.isArray()) {
                    tally.fail(line, "labels is not an array of strings", text);
                    continue;
                }
                boolean ok = true;
                for (JsonNode x : l) {
                    ok &= x.isTextual();
                    labels.add(x.asText());
                }
                if (!ok) {
                    tally.fail(line, "labels is not an array of strings", text);
                    continue;
                }
            }
            JsonNode ext = node.get("external_id");
            JsonNode meta = node.get("metadata");
            if (meta != null && !meta.isNull() && !meta.isObject()) {
                tally.fail(line, "metadata is not a JSON object", text);
                continue;
            }
            validate(set, tally, sink, line, t == null ? null : t.asText(), labels,
                    ext == null || ext.isNull() ? null : ext.asText(), meta == null || meta.isNull() ? null
                            : meta.toString(), text);
        }
    }

    private static void validate(LabelSet set, Tally tally, RowSink sink, long line, String text, List<String> labels,
            String externalId, String metadata, String raw) {
        if (text == null || text.isBlank()) {
            tally.fail(line, "text is empty", raw);
            return;
        }
        if (text.length() > MAX_TEXT) {
            tally.fail(line, "text is longer than " + MAX_TEXT + " characters", null);
            return;
        }
        if (text.indexOf('\0') >= 0) {
            tally.fail(line, "text contains a NUL character", null);
            return;
        }
        Set<String> clean = new LinkedHashSet<>();
        for (String l : labels) {
            if (!l.isBlank()) {
                clean.add(l.strip());
            }
        }
        if (!set.multiLabel() && clean.size() > 1) {
            tally.fail(line, clean.size() + " labels in the single-label set " + set.name(), raw);
            return;
        }
        sink.accept(new Row(line, text, clean, externalId, metadata));
    }

    private static String emptyToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    // ---------------------------------------------------------------- deduplicate and store

    private void store(JobQueue.Claim claim, LabelSet set, List<Row> rows, Tally tally, boolean predict) {
        if (rows.isEmpty() && tally.pendingFailures.isEmpty()) {
            return;
        }
        List<long[]> unlabelled = new ArrayList<>();
        List<String> unlabelledTexts = new ArrayList<>();
        long queued = db.inTenant(claim.tenantId(), c -> {
            long job = 0;
            if (!rows.isEmpty()) {
                try (Statement s = c.createStatement()) {
                    s.execute("CREATE TEMP TABLE IF NOT EXISTS loop_staging (line bigint, text text, text_hash text, "
                            + "external_id text, metadata jsonb, labels text[]) ON COMMIT DELETE ROWS");
                }
                StringBuilder csv = new StringBuilder(rows.size() * 256);
                Set<String> allLabels = new LinkedHashSet<>();
                for (Row r : rows) {
                    csv.append(r.line()).append(',');
                    quote(csv, r.text()).append(',').append(Training.sha256(r.text())).append(',');
                    if (r.externalId() != null) {
                        quote(csv, r.externalId());
                    }
                    csv.append(',');
                    if (r.metadata() != null) {
                        quote(csv, r.metadata());
                    }
                    csv.append(',');
                    if (!r.labels().isEmpty()) {
                        StringBuilder arr = new StringBuilder("{");
                        for (String l : r.labels()) {
                            if (arr.length() > 1) {
                                arr.append(',');
                            }
                            arr.append('"').append(l.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
                        }
                        quote(csv, arr.append('}').toString());
                        allLabels.addAll(r.labels());
                    }
                    csv.append('\n');
                }
                try {
                    c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY loop_staging FROM STDIN (FORMAT csv)",
                            new StringReader(csv.toString()));
                } catch (IOException e) {
                    throw new SQLException("COPY into the staging table failed: " + e.getMessage(), e);
                }
                try (Statement s = c.createStatement()) {
                    // Statistics of the fresh batch, so the planner hash-joins it with the inserted rows
                    // instead of a nested loop (quadratic in the batch without them).
                    s.execute("ANALYZE loop_staging");
                }
                LabelSets.addLabels(c, claim.tenantId(), set.id(), allLabels);
                int inserted;
                int confirmed;
                try (PreparedStatement ps = c.prepareStatement("WITH first AS (SELECT DISTINCT ON (text_hash) "
                        + "text_hash, labels FROM loop_staging ORDER BY text_hash, line), ins AS (INSERT INTO "
                        + "observations (tenant_id, label_set_id, text, text_hash, external_id, metadata, source) SELECT "
                        + "?, ?, text, text_hash, external_id, coalesce(metadata, '{}'), 'upload:' || ? FROM loop_staging "
                        + "ORDER BY line ON CONFLICT DO NOTHING RETURNING id, text_hash), j AS (SELECT ins.id, "
                        + "first.labels FROM ins JOIN first USING (text_hash)), ann AS (INSERT INTO annotations "
                        + "(tenant_id, label_set_id, observation_id, labels, status, author) SELECT ?, ?, j.id, j.labels, "
                        + "'confirmed', ? FROM j WHERE j.labels IS NOT NULL RETURNING 1) SELECT (SELECT count(*) FROM "
                        + "ins), (SELECT count(*) FROM ann), (SELECT array_agg(id) FROM j WHERE labels IS NULL)")) {
                    ps.setLong(1, claim.tenantId());
                    ps.setLong(2, set.id());
                    ps.setLong(3, claim.id());
                    ps.setLong(4, claim.tenantId());
                    ps.setLong(5, set.id());
                    ps.setString(6, "upload:" + claim.id());
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        inserted = rs.getInt(1);
                        confirmed = rs.getInt(2);
                        if (predict && rs.getArray(3) != null) {
                            for (Long id : (Long[]) rs.getArray(3).getArray()) {
                                unlabelled.add(new long[] {id});
                            }
                        }
                    }
                }
                tally.stored += inserted;
                tally.duplicates += rows.size() - inserted;
                job = Observations.countConfirmed(c, queue, claim.tenantId(), set, confirmed);
                if (predict && !unlabelled.isEmpty()) {
                    try (PreparedStatement ps = c.prepareStatement("SELECT text FROM observations WHERE id = ?")) {
                        for (long[] id : unlabelled) {
                            ps.setLong(1, id[0]);
                            try (ResultSet rs = ps.executeQuery()) {
                                rs.next();
                                unlabelledTexts.add(rs.getString(1));
                            }
                        }
                    }
                }
            }
            if (!tally.pendingFailures.isEmpty()) {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO upload_failures (tenant_id, job_id, line, "
                        + "reason, raw) VALUES (?, ?, ?, ?, ?)")) {
                    for (Object[] f : tally.pendingFailures) {
                        ps.setLong(1, claim.tenantId());
                        ps.setLong(2, claim.id());
                        ps.setLong(3, (Long) f[0]);
                        ps.setString(4, (String) f[1]);
                        ps.setString(5, (String) f[2]);
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                tally.pendingFailures.clear();
            }
            return job;
        });
        if (predict && !unlabelled.isEmpty()) {
            tally.predicted += predictStored(claim, set, unlabelled, unlabelledTexts);
        }
        if (queued > 0) {
            LOG.log(System.Logger.Level.DEBUG, "Upload " + claim.id() + " queued training job " + queued);
        }
    }

    /** The optional last step: the champion's labels for new unlabelled observations, stored as suggestions. */
    private long predictStored(JobQueue.Claim claim, LabelSet set, List<long[]> ids, List<String> texts) {
        return db.inTenant(claim.tenantId(), c -> {
            long modelId;
            int version;
            String denRef;
            String algorithm;
            try (PreparedStatement ps = c.prepareStatement("SELECT id, version, den_ref, algorithm FROM models WHERE "
                    + "label_set_id = ? AND status = 'champion'")) {
                ps.setLong(1, set.id());
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return 0L;
                    }
                    modelId = rs.getLong(1);
                    version = rs.getInt(2);
                    denRef = rs.getString(3);
                    algorithm = rs.getString(4);
                }
            }
            LabelClassifier model = champions.serve(set.id(), modelId, denRef, algorithm);
            long n = 0;
            for (int i = 0; i < ids.size(); i++) {
                Set<String> labels = model.decide(texts.get(i));
                ObjectNode scores = json.createObjectNode();
                for (ScoredLabel s : model.scores(texts.get(i))) {
                    if (labels.contains(s.label())) {
                        scores.put(s.label(), s.score());
                    }
                }
                long predictionId;
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO predictions (tenant_id, label_set_id, "
                        + "observation_id, model_id, labels, scores) VALUES (?, ?, ?, ?, ?, ?::jsonb) RETURNING id")) {
                    ps.setLong(1, claim.tenantId());
                    ps.setLong(2, set.id());
                    ps.setLong(3, ids.get(i)[0]);
                    ps.setLong(4, modelId);
                    ps.setArray(5, c.createArrayOf("text", labels.toArray()));
                    ps.setString(6, scores.toString());
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        predictionId = rs.getLong(1);
                    }
                }
                Observations.annotate(c, claim.tenantId(), set.id(), ids.get(i)[0], predictionId, labels, "suggested",
                        "model:v" + version);
                n++;
            }
            return n;
        });
    }

    private static StringBuilder quote(StringBuilder out, String value) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            if (ch == '"') {
                out.append('"');
            }
            out.append(ch);
        }
        return out.append('"');
    }

    /** The failed rows of an upload job, in line order. */
    public List<ObjectNode> failures(Caller caller, long jobId, int limit, long afterLine) {
        queue.get(caller, jobId);
        return db.inTenant(caller.tenantId(), c -> {
            List<ObjectNode> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT line, reason, raw FROM upload_failures WHERE job_id = ? "
                    + "AND line > ? ORDER BY line LIMIT ?")) {
                ps.setLong(1, jobId);
                ps.setLong(2, afterLine);
                ps.setInt(3, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(json.createObjectNode().put("line", rs.getLong(1)).put("reason", rs.getString(2))
                                .put("raw", rs.getString(3)));
                    }
                }
            }
            return out;
        });
    }

    /** Stops taking uploads; running ones finish in the background threads, which are daemons. */
    @Override
    public void close() {
        executor.shutdown();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        heartbeats.shutdownNow();
    }
}
