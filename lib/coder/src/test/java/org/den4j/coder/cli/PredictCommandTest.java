package org.den4j.coder.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.den4j.coder.Code;
import org.den4j.coder.CodeDictionary;
import org.den4j.coder.CodedNote;
import org.den4j.coder.CoderConfig;
import org.den4j.coder.CoderDen;
import org.den4j.coder.CoderFormat;
import org.den4j.coder.CoderTraining;
import org.den4j.coder.Coders;
import org.den4j.coder.CodingData;
import org.den4j.coder.IcdVersion;
import org.den4j.coder.Prediction;
import org.den4j.coder.TestPdfs;
import org.den4j.coder.remote.ChatPeer;
import org.den4j.data.MimicImport;
import org.den4j.data.MimicVersion;
import org.den4j.data.SyntheticMimic;
import org.den4j.den.Den;
import org.den4j.lm.kit.KitReport;
import org.den4j.lm.kit.ModelKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code predict} through picocli in-process: text, PDF and JSONL against a remote OpenAI-compatible peer and local
 * coders, and every bad input of the issue as one line and exit 2.
 */
class PredictCommandTest {
    @TempDir
    static Path dir;
    static Path database;
    static Path denDir;
    static CodeDictionary dictionary;
    static Code first;
    static Code second;
    static ChatPeer peer;

    @BeforeAll
    static void prepare() throws Exception {
        SyntheticMimic.builder(MimicVersion.MIMIC_IV).patients(60).seed(3).build().write(dir.resolve("mimic"));
        MimicImport.builder(dir.resolve("mimic"), MimicVersion.MIMIC_IV).outputDir(dir.resolve("db")).build().run();
        database = dir.resolve("db").resolve(MimicImport.DATABASE_FILE);
        dictionary = CodeDictionary.fromDatabase(database);
        first = dictionary.codes(IcdVersion.ICD10).get(0);
        second = dictionary.codes(IcdVersion.ICD10).get(1);
        denDir = dir.resolve("den");
        try (Den den = Den.at(denDir)) {
            Path kit = Files.createDirectories(dir.resolve("kit"));
            Files.writeString(kit.resolve("config.json"), "{\"model_type\": \"qwen2\"}\n");
            ModelKit.push(den, kit, "den4j/tiny-qwen2", new KitReport(kit, 256, 1000, 10, 1000, 5, 100, 3.0, 1.0));
        }
        peer = new ChatPeer();
    }

    @AfterAll
    static void stop() {
        peer.close();
    }

    /** What a run printed and returned. */
    record Run(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\nout: " + out + "\nerr: " + err;
        }
    }

    static Run run(byte[] stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Map<String, String> env = new HashMap<>();
        env.put("DEN4J_PATH", denDir.toString());
        env.put("TEST_REMOTE_KEY", "sk-local");
        var cl = PredictCommand.commandLine(new PredictCommand(env, new ByteArrayInputStream(stdin)));
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    static Run run(String... args) {
        return run(new byte[0], args);
    }

    static String[] remote(String... args) {
        List<String> all = new ArrayList<>(List.of("--remote", peer.baseUrl(), "--remote-model", "icd-coder",
                "--database", database.toString()));
        all.addAll(Arrays.asList(args));
        return all.toArray(String[]::new);
    }

    @Test
    void remoteTextPrintsThePredictionJson() throws Exception {
        peer.then(ChatPeer.Answer.ok(first.code() + ", X99.99, " + second.code()));
        Run r = run(remote("--text", "Pt with chest pain.", "--json", "--api-key-env", "TEST_REMOTE_KEY"));
        assertEquals(0, r.exit(), r::toString);
        Prediction p = Prediction.fromJson(r.out().strip());
        assertEquals(List.of(first.code(), second.code()), p.codes().stream().map(c -> c.code()).toList());
        assertEquals(dictionary.describe(first).orElseThrow(), p.codes().get(0).description());
        assertEquals(1, p.dropped());
        assertEquals("icd-coder", p.model().name());
        assertEquals(peer.baseUrl(), p.model().remote());
        ChatPeer.Received sent = peer.received().get(peer.received().size() - 1);
        assertEquals("Bearer sk-local", sent.header("Authorization"));
        assertTrue(sent.body().contains("Predict the medical codes for the following text: Pt with chest pain."));
        assertTrue(r.out().startsWith("{\"codes\":[{\"code\":\"" + first.code() + "\",\"system\":\"ICD-10"),
                r.out());
    }

    @Test
    void remotePdfPrintsATableOfItsPagesCodes() throws Exception {
        Path pdf = TestPdfs.write(dir.resolve("note.pdf"), TestPdfs.text(List.of("Discharge summary\nCHF.",
                "Plan: furosemide.")));
        peer.then(ChatPeer.Answer.ok(first.code()));
        Run r = run(remote("--pdf", pdf.toString(), "--top-k", "1"));
        assertEquals(0, r.exit(), r::toString);
        String[] lines = r.out().split("\n");
        assertTrue(lines[0].startsWith("model icd-coder at " + peer.baseUrl() + ", 1 code in "), r.out());
        assertTrue(lines[0].endsWith(", 0 dropped (not in the code dictionary)"), r.out());
        assertTrue(lines[1].matches("code +system +score +description +evidence"), lines[1]);
        assertTrue(lines[2].startsWith(first.code() + " "), lines[2]);
        assertTrue(lines[2].contains("1.000"), lines[2]);
        String sent = peer.received().get(peer.received().size() - 1).body();
        assertTrue(sent.contains("Discharge summary\\nCHF.\\n\\nPlan: furosemide."), sent);
    }

    @Test
    void jsonlInGivesOneResultALineWrittenWhole() throws Exception {
        Path in = dir.resolve("notes.jsonl");
        Files.writeString(in, "{\"id\": 1, \"text\": \"first note\"}\n\n{\"text\": \"second note\"}\n");
        peer.then(ChatPeer.Answer.ok(first.code())).then(ChatPeer.Answer.ok(second.code() + ", " + first.code()));
        Path outFile = dir.resolve("out.jsonl");
        Run r = run(remote("--input", in.toString(), "--output", outFile.toString()));
        assertEquals(0, r.exit(), r::toString);
        assertEquals("wrote " + outFile + "\n", r.out());
        List<String> lines = Files.readAllLines(outFile);
        assertEquals(2, lines.size());
        assertEquals(List.of(first.code()), Prediction.fromJson(lines.get(0)).codes().stream().map(c -> c.code())
                .toList());
        assertEquals(2, Prediction.fromJson(lines.get(1)).codes().size());

        // More notes than one batch come back in their order.
        List<Code> codes = dictionary.codes(IcdVersion.ICD10).subList(0, PredictCommand.BATCH + 3);
        StringBuilder many = new StringBuilder();
        for (Code c : codes) {
            many.append("{\"text\": \"note about ").append(c.code()).append("\"}\n");
            peer.then(ChatPeer.Answer.ok(c.code()));
        }
        Files.writeString(in, many);
        Run batches = run(remote("--input", in.toString()));
        assertEquals(0, batches.exit(), batches::toString);
        assertEquals(codes.stream().map(Code::code).toList(), batches.out().lines()
                .map(l -> Prediction.fromJson(l).codes().get(0).code()).toList());

        // A bad line fails the run and leaves the earlier output as it was: nothing half-written.
        Files.writeString(in, "{\"text\": \"first note\"}\n{\"note\": \"no text field\"}\n");
        int calls = peer.received().size();
        Run bad = run(remote("--input", in.toString(), "--output", outFile.toString()));
        assertEquals(2, bad.exit(), bad::toString);
        assertEquals("predict: " + in + " line 2 has no \"text\" string; write one {\"text\": \"...\"} object a "
                + "line\n", bad.err());
        assertEquals(lines, Files.readAllLines(outFile));
        assertEquals(calls, peer.received().size(), "the batch with a bad line is not sent");
        try (var files = Files.list(dir)) {
            assertFalse(files.anyMatch(f -> f.getFileName().toString().endsWith(".tmp")), "no temporary file left");
        }
    }

    @Test
    void everyBadInputIsOneLineAndExitTwo() throws Exception {
        Path scan = TestPdfs.write(dir.resolve("scan.pdf"), TestPdfs.scan(1));
        Path noDictionary = Files.createDirectories(dir.resolve("coder-without-dictionary"));
        CoderConfig.of("linear", List.of(IcdVersion.ICD10), null, Map.of(), Map.of()).write(noDictionary);
        Path notACoder = Files.createDirectories(dir.resolve("not-a-coder"));
        Path latin1 = dir.resolve("latin1.jsonl");
        Files.write(latin1, "{\"text\": \"caf\u00e9\"}\n".getBytes(StandardCharsets.ISO_8859_1));

        assertBadInput(run("--text", "   "), "predict: --text: the note is empty; give the text of a clinical note");
        assertBadInput(run(new byte[] {'c', 'a', 'f', (byte) 0xe9, '\n'}, "--text", "-"),
                "predict: stdin is not UTF-8 text; convert it (for example iconv -f latin1 -t utf-8) and run again");
        assertBadInput(run(remote("--input", latin1.toString())), "predict: " + latin1 + " line 1 is not UTF-8 "
                + "text; convert it (for example iconv -f latin1 -t utf-8) and run again");
        assertBadInput(run("--text", "caf\uFFFD"), "predict: --text is not UTF-8 text (it holds U+FFFD where bytes "
                + "could not be decoded); convert it to UTF-8, or pass it on stdin with --text -");
        assertBadInput(run("--text", "chest pain", "--code-system", "icd11"),
                "predict: Unknown code system 'icd11'; use icd10 or icd9");
        assertBadInput(run("--text", "chest pain", "--model", "den4j/tiny-qwen2@1"),
                "predict: den4j/tiny-qwen2@1 is a language model (qwen2), not an ICD coder; name a coder (such as "
                        + "den4j/icd-coder@champion) or a coder folder, made by ./jbang train-coder");
        assertBadInput(run("--text", "chest pain", "--model", noDictionary.toString()), "predict: Coder folder "
                + noDictionary + " has no dictionary.tsv; it is not a complete coder: train it again with ./jbang "
                + "train-coder");
        assertBadInput(run("--text", "chest pain", "--model", notACoder.toString()),
                "predict: " + notACoder + " is not an ICD coder: it has no coder.json");
        assertBadInput(run("--pdf", scan.toString()), "predict: PDF " + scan + " has no text layer (1 page, 1 image: "
                + "a scan); OCR is not supported: give a PDF with selectable text, or the note's text");
        assertBadInput(run(remote("--text", "x", "--api-key-env", "NOT_SET_ANYWHERE")), "predict: --api-key-env "
                + "NOT_SET_ANYWHERE: the variable NOT_SET_ANYWHERE is not set; export it with the server's API key, "
                + "or leave --api-key-env out for a server without keys");
        assertBadInput(run("--text", "chest pain", "--top-k", "0"), "predict: top_k must be at least 1, was 0");

        Run missing = run("--text", "chest pain");
        assertEquals(2, missing.exit(), missing::toString);
        assertTrue(missing.err().startsWith("predict: ") && missing.err().contains("den4j/icd-coder"),
                missing::toString);

        Run both = run("--text", "x", "--pdf", scan.toString());
        assertEquals(2, both.exit(), both::toString);
        assertTrue(both.err().startsWith("predict: Error: --text=TEXT, --pdf=FILE are mutually exclusive")
                || both.err().contains("mutually exclusive"), both::toString);
        Run noName = run("--remote", peer.baseUrl(), "--database", database.toString(), "--text", "x");
        assertEquals(2, noName.exit(), noName::toString);
        assertTrue(noName.err().startsWith("predict: --remote needs --remote-model NAME"), noName::toString);
    }

    @Test
    void aRefusedRemoteRequestIsBadInputAndNamesTheServersMessage() {
        peer.then(ChatPeer.Answer.error(404, "{\"error\":{\"message\":\"The model `nope` does not exist\","
                + "\"type\":\"invalid_request_error\",\"code\":\"model_not_found\"}}"));
        Run r = run(remote("--text", "chest pain"));
        assertBadInput(r, "predict: " + peer.baseUrl() + "/chat/completions answered 404: The model `nope` does not "
                + "exist (type invalid_request_error, code model_not_found); check the base URL (it ends in /v1) and "
                + "the model name");
    }

    @Test
    void aLocalCoderPredictsFromItsFolderAndFromTheDen() throws Exception {
        List<CoderFormat> formats = Coders.formats().stream().filter(f -> !f.kind().startsWith("lm-")).toList();
        assumeFalse(formats.isEmpty(), "no classical coder kind is registered yet");
        CoderFormat format = formats.get(0);
        List<CodedNote> train = CodingData.read(database, "train", 0);
        List<CodedNote> validation = CodingData.read(database, "validation", 0);
        Path folder;
        try (Den den = Den.at(denDir)) {
            folder = format.train(new CoderTraining(train, validation, dictionary, dir.resolve("coder"), Map.of(),
                    den, "cpu", 7, null, Map.of("database", database.toString())));
            String ref = CoderDen.push(den, folder, "den4j/icd-coder", null);
            den.alias("den4j/icd-coder", "champion", den.show(ref).version());
        }
        String note = CodingData.read(database, "test", 1).get(0).text();
        Run fromFolder = run("--model", folder.toString(), "--text", note, "--json");
        assertEquals(0, fromFolder.exit(), fromFolder::toString);
        Run fromDen = run("--text", note, "--json");
        assertEquals(0, fromDen.exit(), fromDen::toString);
        Prediction a = Prediction.fromJson(fromFolder.out().strip());
        Prediction b = Prediction.fromJson(fromDen.out().strip());
        assertEquals(a.codes(), b.codes());
        assertEquals("den4j/icd-coder", b.model().name());
        assertEquals(format.kind(), b.model().kind());
        assertTrue(b.model().digest().startsWith("sha256:"), b.model().toString());
        Run table = run("--model", folder.toString(), "--text", note);
        assertTrue(table.out().startsWith("model " + folder + " (" + format.kind() + "), "), table::toString);
    }

    private static void assertBadInput(Run r, String line) {
        assertEquals(2, r.exit(), r::toString);
        assertEquals(line + "\n", r.err(), r::toString);
        assertEquals("", r.out(), r::toString);
    }
}
