package org.den4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenSetWriterTest {
    @TempDir
    static Path shared;
    static Path database;
    static Path tokenizer;
    static ImportReport imported;

    @TempDir
    Path dir;

    @BeforeAll
    static void loadSyntheticMimic() throws Exception {
        Path release = shared.resolve("release");
        SyntheticMimic.builder(MimicVersion.MIMIC_IV).patients(80).seed(11).build().write(release);
        imported = MimicImport.builder(release, MimicVersion.MIMIC_IV).outputDir(shared.resolve("data")).build().run();
        database = imported.database();
        tokenizer = TestTokenizer.write(shared.resolve("tok"));
    }

    private TokenSetWriter.Builder writer(Path out) {
        return TokenSetWriter.builder(TrainingConfig.defaults()).inputDb(database).outputDir(out).tokenizer(tokenizer);
    }

    @Test
    void writesEachSplitWithTheCompletionMaskedAndCutNotesThatKeepTheCodes() throws Exception {
        TokenStats stats = writer(dir).maxLength(96).threads(2).build().write();
        assertEquals(dir.resolve("tokens.duckdb"), stats.database());
        for (String split : TokenSets.SPLITS) {
            List<TokenizedExample> examples = TokenSets.read(dir, split);
            assertEquals(imported.splitSizes().get(split), examples.size(), split);
            assertEquals(examples.size(), stats.split(split).examples());
        }
        List<TokenizedExample> train = TokenSets.read(dir, "train");
        for (TokenizedExample e : train) {
            assertTrue(e.length() <= 96, "at most max_length tokens");
            int firstLabel = e.length() - e.completionLength();
            for (int i = 0; i < e.length(); i++) {
                assertEquals(i >= firstLabel ? 1 : 0, e.labelMask()[i], "the completion is the tail, the prompt is 0");
                assertEquals(1, e.attentionMask()[i]);
            }
            assertEquals(TestTokenizer.EOS, e.inputIds()[e.length() - 1], "the completion ends with <|endoftext|>");
            assertTrue(e.completionText().endsWith("<|endoftext|>"), e.completionText());
            assertTrue(e.promptText().startsWith("Predict the medical codes for the following text: "));
        }
        TokenizedExample first = train.get(0);
        assertTrue(first.completionText().matches("[A-Z0-9]+(\\.[A-Z0-9]+)?(, [A-Z0-9]+(\\.[A-Z0-9]+)?)*<\\|endoftext\\|>"),
                first.completionText());
        assertTrue(stats.split("train").truncated() > 0, "96 tokens cut the notes");
        assertEquals(96, stats.split("train").maxTokens());
        assertTrue(stats.toTable().startsWith("split"), stats.toTable());
        assertFalse(Files.exists(dir.resolve("tokens.duckdb.tmp-" + ProcessHandle.current().pid())));
    }

    @Test
    void oneThreadAndTwoThreadsWriteTheSameTokens() throws Exception {
        Path one = dir.resolve("one");
        Path two = dir.resolve("two");
        // As in a notebook: this JVM holds the database open read-write while the sets are written.
        try (java.sql.Connection held = java.sql.DriverManager.getConnection("jdbc:duckdb:" + database)) {
            writer(one).threads(1).build().write();
        }
        writer(two).threads(2).build().write();
        List<TokenizedExample> a = TokenSets.read(one, "validation");
        List<TokenizedExample> b = TokenSets.read(two, "validation");
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.get(i).hadmId(), b.get(i).hadmId());
            assertArrayEquals(a.get(i).inputIds(), b.get(i).inputIds());
        }
    }

    @Test
    void aCompletionLongerThanMaxLengthIsSkippedNotCut() throws Exception {
        try (PromptEncoder encoder = PromptEncoder.open(tokenizer, TrainingConfig.defaults().data().promptTemplate(),
                12)) {
            assertNull(encoder.encode(1, "htn", List.of("401.9", "428.0", "427.31", "414.01")));
            PromptEncoder.Example e = encoder.encode(2, "history of htn and chf and afib and cad", List.of("401.9"));
            assertEquals(12, e.inputIds().length);
            assertTrue(e.truncated());
            assertEquals("401.9<|endoftext|>", e.completionText());
        }
    }

    @Test
    void missingDatabaseAndTokenizerAreNamedWithTheFix() {
        DataException e = assertThrows(DataException.class, () -> TokenSetWriter.builder(TrainingConfig.defaults())
                .inputDb(dir.resolve("none.duckdb")).outputDir(dir).tokenizer(tokenizer).build().write());
        assertTrue(e.getMessage().startsWith("MIMIC database " + dir.resolve("none.duckdb") + " does not exist; "
                + "write it with ./jbang prepare-mimic"), e.getMessage());
        e = assertThrows(DataException.class, () -> writer(dir).tokenizer(dir.resolve("nope")).build().write());
        assertEquals("Tokenizer " + dir.resolve("nope") + " does not exist; pass --tokenizer with a tokenizer.json "
                + "(or the model folder that holds one)", e.getMessage());
        assertFalse(Files.exists(dir.resolve("tokens.duckdb")), "nothing half-written");
    }
}
