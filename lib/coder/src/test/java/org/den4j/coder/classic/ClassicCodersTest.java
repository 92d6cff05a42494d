package org.den4j.coder.classic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.den4j.coder.CodedNote;
import org.den4j.coder.CoderConfig;
import org.den4j.coder.CoderInputException;
import org.den4j.coder.CoderTraining;
import org.den4j.coder.Coders;
import org.den4j.coder.CodingData;
import org.den4j.coder.Evidence;
import org.den4j.coder.IcdCoder;
import org.den4j.coder.IcdVersion;
import org.den4j.coder.PredictOptions;
import org.den4j.coder.Prediction;
import org.den4j.coder.PredictedCode;
import org.den4j.coder.eval.Evaluation;
import org.den4j.coder.eval.NegatedMentions;
import org.den4j.coder.text.LabelScore;
import org.den4j.coder.text.LabeledText;
import org.den4j.coder.text.NaiveBayesClassifier;
import org.den4j.data.MimicImport;
import org.den4j.data.MimicVersion;
import org.den4j.data.SyntheticMimic;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The classical kinds trained and measured on a small synthetic MIMIC-IV in DuckDB. */
class ClassicCodersTest {
    @TempDir
    static Path dir;
    static Path database;
    static Path linear;
    static Path bayes;

    @BeforeAll
    static void trainBothKinds() {
        SyntheticMimic.builder(MimicVersion.MIMIC_IV).patients(120).seed(7).build().write(dir.resolve("mimic"));
        MimicImport.builder(dir.resolve("mimic"), MimicVersion.MIMIC_IV).outputDir(dir.resolve("db")).build().run();
        database = dir.resolve("db").resolve(MimicImport.DATABASE_FILE);
        linear = train(database, "linear", dir.resolve("coders/linear"));
        bayes = train(database, "naive-bayes", dir.resolve("coders/naive-bayes"));
    }

    static Path train(Path db, String kind, Path out) {
        return Coders.format(kind).train(CoderTraining.fromDatabase(db, 0, out, Map.of(), null, "cpu", 7, null));
    }

    @Test
    void bothKindsAreRegisteredAndWriteACompleteFolderWithNothingLeftBeside() throws Exception {
        assertEquals(LinearCoderFormat.KIND, Coders.format("linear").kind());
        assertEquals(NaiveBayesCoderFormat.KIND, Coders.format("naive-bayes").kind());
        for (String f : List.of("coder.json", "dictionary.tsv", "tfidf.json", "vocabulary.tsv", "labels.tsv",
                "weights.safetensors", "linear.json", "thresholds.tsv")) {
            assertTrue(Files.isRegularFile(linear.resolve(f)), "linear lacks " + f);
        }
        for (String f : List.of("naive-bayes.safetensors", "naive-bayes.json", "thresholds.tsv")) {
            assertTrue(Files.isRegularFile(bayes.resolve(f)), "naive-bayes lacks " + f);
        }
        try (Stream<Path> s = Files.list(dir.resolve("coders"))) {
            assertEquals(List.of("linear", "naive-bayes"), s.map(p -> p.getFileName().toString()).sorted().toList());
        }
        CoderConfig config = CoderConfig.read(linear);
        assertEquals("linear", config.kind());
        assertTrue(config.metrics().get("validation_micro_f1") > 0, config.metrics().toString());
        assertEquals(database.toAbsolutePath().normalize().toString(), config.trainedOn().get("database"));
    }

    @Test
    void predictionsAreOneVersionWithScoresInRangeAndEvidenceFromTheNote() {
        CodedNote note = CodingData.read(database, "test", 0).stream().filter(n -> n.version() == IcdVersion.ICD10)
                .findFirst().orElseThrow();
        for (Path folder : List.of(linear, bayes)) {
            try (IcdCoder coder = Coders.load(folder)) {
                Prediction p = coder.predict(note.text(), PredictOptions.DEFAULTS.withVersion(IcdVersion.ICD10));
                assertFalse(p.codes().isEmpty(), folder + " coded nothing");
                double previous = 1;
                for (PredictedCode c : p.codes()) {
                    assertTrue(c.system().startsWith("ICD-10"), c.system());
                    assertTrue(c.score() >= 0 && c.score() <= 1 && c.score() <= previous);
                    previous = c.score();
                    assertFalse(c.description().isBlank(), c.code());
                    for (Evidence e : c.evidence()) {
                        assertEquals(e.text(), note.text().substring(e.start(), e.end()));
                    }
                }
                assertTrue(p.codes().stream().anyMatch(c -> !c.evidence().isEmpty()), "some evidence");
                assertEquals(2, coder.predict(note.text(), PredictOptions.DEFAULTS.withTopK(2).withThreshold(0.0))
                        .codes().size());
                assertTrue(coder.rank(note.text(), IcdVersion.ICD9, 5).stream()
                        .allMatch(s -> s.code().system().version() == IcdVersion.ICD9));
                assertEquals(p.codes(), Prediction.fromJson(p.toJson()).codes());
                CoderInputException e = assertThrows(CoderInputException.class,
                        () -> coder.predict("  ", PredictOptions.DEFAULTS));
                assertTrue(e.getMessage().contains("empty"), e.getMessage());
            }
        }
    }

    @Test
    void evaluationOnTestGivesTheJsonShapeAndANegationRate() throws Exception {
        List<CodedNote> test = CodingData.read(database, "test", 0);
        try (IcdCoder a = Coders.load(linear); IcdCoder b = Coders.load(bayes)) {
            Evaluation.Report r = Evaluation.run(List.of(a, b), test, NegatedMentions.fromDatabase(database), "test",
                    200, 7);
            JsonNode json = new ObjectMapper().readTree(r.toJson());
            assertEquals(List.of("split", "notes", "models", "comparisons"), fields(json));
            assertEquals(List.of("model", "kind", "micro_precision", "micro_recall", "micro_f1", "macro_f1", "p_at_5",
                    "p_at_8", "p_at_15", "exact_match", "negation_fp_rate"), fields(json.get("models").get(0)));
            assertEquals(List.of("a", "b", "micro_f1_diff", "ci_low", "ci_high", "mcnemar_p"),
                    fields(json.get("comparisons").get(0)));
            assertEquals(test.size(), json.get("notes").asInt());
            Evaluation.ModelResult lin = r.models().get(0);
            assertTrue(lin.metrics().microF1() > 0.2, "linear micro-F1 " + lin.metrics().microF1());
            assertTrue(lin.pAt5() > 0.2, "P@5 " + lin.pAt5());
            assertNotNull(lin.negationFpRate());
            assertTrue(lin.negatedMentions() >= test.size(), "every note names a distractor");
            assertTrue(lin.negationFpRate() >= 0 && lin.negationFpRate() <= 1);
            assertTrue(lin.predictionsPerSecond() > 0);
        }
    }

    private static List<String> fields(JsonNode node) {
        List<String> out = new ArrayList<>();
        node.fieldNames().forEachRemaining(out::add);
        return out;
    }

    @Test
    void thresholdsTunedOnValidationNeverTouchTest() throws Exception {
        // The same database without a test split trains the same thresholds: training never read it.
        Path copy = dir.resolve("no-test.duckdb");
        Files.copy(database, copy);
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + copy);
                Statement s = c.createStatement()) {
            s.execute("DROP VIEW split_test");
        }
        Path again = train(copy, "naive-bayes", dir.resolve("again/naive-bayes"));
        assertEquals(Files.readString(bayes.resolve("thresholds.tsv")), Files.readString(again.resolve(
                "thresholds.tsv")));
        assertThrows(CoderInputException.class, () -> CodingData.read(copy, "test", 0));
    }

    @Test
    void naiveBayesLearnsFromAnUpdateAndKeepsItThroughSaveAndLoad() throws Exception {
        NaiveBayesClassifier nb = NaiveBayesClassifier.train(List.of(
                new LabeledText("chest pain and dyspnea", Set.of("X")),
                new LabeledText("chest pain with fever", Set.of("Y")),
                new LabeledText("fever and cough", Set.of("Y"))), NaiveBayesClassifier.Settings.DEFAULTS);
        double before = score(nb, "chest pain and dyspnea", "X");
        nb.update(List.of(new LabeledText("chest pain and dyspnea again", Set.of("X", "Z"))));
        assertTrue(nb.labels().contains("Z"));
        assertTrue(score(nb, "chest pain and dyspnea", "X") > before);
        assertEquals(4, nb.documents());
        Path folder = Files.createDirectories(dir.resolve("nb"));
        nb.save(folder);
        NaiveBayesClassifier back = NaiveBayesClassifier.load(folder);
        assertEquals(nb.scores("fever and chest pain"), back.scores("fever and chest pain"));
        back.update(List.of(new LabeledText("cough", Set.of("Y"))));
        assertEquals(5, back.documents());
    }

    private static double score(NaiveBayesClassifier nb, String text, String label) {
        return nb.scores(text).stream().filter(s -> s.label().equals(label)).mapToDouble(LabelScore::score)
                .findFirst().orElseThrow();
    }

    @Test
    void aCoderAskedForAVersionItWasNotTrainedOnSaysWhich() throws Exception {
        List<CodedNote> icd10 = CodingData.read(database, "train", 0).stream()
                .filter(n -> n.version() == IcdVersion.ICD10).toList();
        CoderTraining t = CoderTraining.fromDatabase(database, 0, dir.resolve("coders-10/linear"), Map.of(), null,
                "cpu", 7, null);
        Path folder = Coders.format("linear").train(new CoderTraining(icd10, List.of(), t.dictionary(),
                t.outputDir(), Map.of(), null, "cpu", 7, null, Map.of()));
        try (IcdCoder coder = Coders.load(folder)) {
            assertEquals(Set.of(IcdVersion.ICD10), coder.versions());
            CoderInputException e = assertThrows(CoderInputException.class, () -> coder.predict("CHF",
                    PredictOptions.DEFAULTS.withVersion(IcdVersion.ICD9)));
            assertEquals("This linear coder was trained on [icd10] codes only; it cannot answer in icd9: use "
                    + "--code-system icd10", e.getMessage());
        }
        CoderInputException bad = assertThrows(CoderInputException.class, () -> Coders.format("linear").train(
                new CoderTraining(icd10, List.of(), t.dictionary(), dir.resolve("x"), Map.of("gamma", "1"), null,
                        "cpu", 7, null, Map.of())));
        assertTrue(bad.getMessage().startsWith("Unknown setting 'gamma' for a linear coder; known: "),
                bad.getMessage());
    }
}
