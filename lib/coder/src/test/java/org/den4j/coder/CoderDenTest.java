package org.den4j.coder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.den4j.data.MimicImport;
import org.den4j.data.MimicVersion;
import org.den4j.data.SyntheticMimic;
import org.den4j.den.Den;
import org.den4j.den.ModelInfo;
import org.den4j.lm.kit.KitReport;
import org.den4j.lm.kit.ModelKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Coders through a real local den: push with metadata and lineage, load by reference and alias. */
class CoderDenTest {
    @TempDir
    static Path dir;
    static Path database;
    static Den den;
    static String baseRef;

    @BeforeAll
    static void prepare() throws Exception {
        SyntheticMimic.builder(MimicVersion.MIMIC_IV).patients(80).seed(7).build().write(dir.resolve("mimic"));
        MimicImport.builder(dir.resolve("mimic"), MimicVersion.MIMIC_IV).outputDir(dir.resolve("db")).build().run();
        database = dir.resolve("db").resolve(MimicImport.DATABASE_FILE);
        den = Den.at(dir.resolve("den"));
        // A base language model pushed the way lm-kit pushes it (its metadata is what a coder load must name).
        Path kit = Files.createDirectories(dir.resolve("kit"));
        Files.writeString(kit.resolve("config.json"), "{\"model_type\": \"qwen2\"}\n");
        baseRef = ModelKit.push(den, kit, "den4j/tiny-qwen2", new KitReport(kit, 256, 1000, 10, 1000, 5, 100, 3.0,
                1.0)).model().ref();
    }

    @AfterAll
    static void close() {
        den.close();
    }

    /** A coder folder with only its config and dictionary: enough to push, not to load. */
    private static Path configOnlyFolder(String name, String kind, String base) {
        Path folder = dir.resolve(name);
        try {
            Files.createDirectories(folder);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        CoderConfig.of(kind, List.of(IcdVersion.ICD10, IcdVersion.ICD9), base,
                Map.of("validation_micro_f1", 0.41, "validation_macro_f1", 0.12),
                Map.of("database", database.toString(), "train_notes", 55)).write(folder);
        CodeDictionary.fromDatabase(database).write(folder);
        return folder;
    }

    @Test
    void pushWritesCoderMetadataAndNamesTheBaseAsParent() {
        Path folder = configOnlyFolder("lm-coder", "lm-generate", baseRef);
        String ref = CoderDen.push(den, folder, "test/lm-coder", null);
        ModelInfo info = den.show(ref);
        assertEquals("test/lm-coder@1", ref);
        assertEquals(CoderDen.MODEL_TYPE, info.metadata().modelType());
        assertEquals("lm-generate", info.metadata().extra().get(CoderDen.KIND));
        assertEquals("icd10,icd9", info.metadata().extra().get("icd_versions"));
        assertEquals(String.valueOf(CodeDictionary.fromDatabase(database).size()),
                info.metadata().extra().get("codes"));
        assertEquals(database.toString(), info.metadata().extra().get("trained_on.database"));
        assertEquals("55", info.metadata().extra().get("trained_on.train_notes"));
        assertEquals(0.41, info.metadata().metrics().get("validation_micro_f1"));
        assertEquals("note", info.metadata().inputs().get(0).name());
        assertEquals("icd_codes", info.metadata().outputs().get(0).name());
        assertEquals(baseRef, info.parentRef());
        assertTrue(info.tags().contains("lm-generate"), info.tags().toString());
        assertTrue(CoderDen.isCoder(den, ref));
        assertFalse(CoderDen.isCoder(den, baseRef));
        assertTrue(den.tree(baseRef).render().contains("test/lm-coder@1"), den.tree(baseRef).render());
    }

    @Test
    void explicitParentWinsAndFolderWithoutDictionaryIsRefused() throws Exception {
        Path folder = configOnlyFolder("linear-coder", "linear", null);
        String ref = CoderDen.push(den, folder, "test/linear-coder", baseRef);
        assertEquals(baseRef, den.show(ref).parentRef());

        Files.delete(folder.resolve(CodeDictionary.FILE_NAME));
        CoderInputException e = assertThrows(CoderInputException.class,
                () -> CoderDen.push(den, folder, "test/linear-coder", null));
        assertTrue(e.getMessage().startsWith("Coder folder " + folder + " has no dictionary.tsv"), e.getMessage());
    }

    @Test
    void loadingAModelThatIsNotACoderSaysWhatItIs() {
        CoderInputException e = assertThrows(CoderInputException.class,
                () -> CoderDen.load(den, baseRef, CoderFormat.LoadOptions.DEFAULTS));
        assertEquals("den4j/tiny-qwen2@1 is a language model (qwen2), not an ICD coder; name a coder (such as "
                + "den4j/icd-coder@champion) or a coder folder, made by ./jbang train-coder", e.getMessage());
        den.alias("den4j/tiny-qwen2", "base", 1);
        e = assertThrows(CoderInputException.class,
                () -> CoderDen.load(den, "den4j/tiny-qwen2@base", CoderFormat.LoadOptions.DEFAULTS));
        assertTrue(e.getMessage().startsWith("den4j/tiny-qwen2@base (den4j/tiny-qwen2@1) is a language model"),
                e.getMessage());
    }

    @Test
    void everyRegisteredKindRoundTripsThroughTheDen() {
        List<CoderFormat> formats = Coders.formats();
        assumeFalse(formats.isEmpty(), "no coder kind is registered yet");
        CodeDictionary dictionary = CodeDictionary.fromDatabase(database);
        List<CodedNote> train = CodingData.read(database, "train", 0);
        List<CodedNote> validation = CodingData.read(database, "validation", 0);
        String note = CodingData.read(database, "test", 1).get(0).text();
        for (CoderFormat format : formats) {
            if (format.kind().startsWith("lm-")) {
                continue; // language-model coders need a base model; their own tests push them
            }
            Path out = dir.resolve("trained").resolve(format.kind());
            Path folder = format.train(new CoderTraining(train, validation, dictionary, out, Map.of(), den, "cpu", 7,
                    null, Map.of("database", database.toString())));
            String name = "test/icd-coder-" + format.kind();
            String ref = CoderDen.push(den, folder, name, null);
            ModelInfo info = den.show(ref);
            den.alias(name, "champion", info.version());

            Prediction fromFolder;
            try (IcdCoder local = Coders.load(folder)) {
                fromFolder = local.predict(note, PredictOptions.DEFAULTS);
            }
            try (IcdCoder coder = CoderDen.load(den, name + "@champion", CoderFormat.LoadOptions.DEFAULTS)) {
                assertEquals(format.kind(), coder.kind());
                Prediction p = coder.predict(note, PredictOptions.DEFAULTS);
                assertEquals(new CoderModel(name, String.valueOf(info.version()), "sha256:" + info.digest(),
                        format.kind(), null), p.model());
                assertNotNull(p.model().digest());
                assertEquals(fromFolder.codes(), p.codes(), "the den copy predicts as the folder does");
                assertEquals(dictionary.size(), coder.dictionary().size());
            }
            assertEquals(ref, CoderDen.push(den, folder, name, null), "same content: same version");
        }
    }
}
