package org.den4j.coder.lm;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import org.den4j.coder.CodeDictionary;
import org.den4j.coder.CodedNote;
import org.den4j.coder.CodingData;
import org.den4j.data.MimicImport;
import org.den4j.data.MimicVersion;
import org.den4j.data.SyntheticMimic;
import org.den4j.den.io.FileTree;
import org.den4j.lm.kit.KitSize;
import org.den4j.lm.kit.ModelKit;
import org.den4j.lm.kit.NoteCorpus;

/**
 * A small real setting for the LM coders' tests: a synthetic MIMIC-IV of a few patients loaded by prepare-mimic,
 * and a quick-size kit base model (random weights, its tokenizer trained on the train notes) built from it.
 */
record TinyCoderData(Path database, Path base, List<CodedNote> train, List<CodedNote> validation,
        List<CodedNote> test, CodeDictionary dictionary) {

    private static TinyCoderData shared;

    /** One setting of 24 patients per test JVM, in a temporary folder removed at exit. */
    static synchronized TinyCoderData shared() {
        if (shared == null) {
            try {
                Path dir = java.nio.file.Files.createTempDirectory("den4j-lm-coder-test");
                Runtime.getRuntime().addShutdownHook(new Thread(() -> FileTree.deleteQuietly(dir)));
                shared = build(dir, 24);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return shared;
    }

    static TinyCoderData build(Path dir, int patients) {
        SyntheticMimic.builder(MimicVersion.MIMIC_IV).patients(patients).seed(7).build().write(dir.resolve("mimic"));
        MimicImport.builder(dir.resolve("mimic"), MimicVersion.MIMIC_IV).outputDir(dir.resolve("db")).build().run();
        Path database = dir.resolve("db").resolve(MimicImport.DATABASE_FILE);
        List<CodedNote> train = CodingData.read(database, "train", 0);
        Path base = dir.resolve("base");
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        new ModelKit(KitSize.QUICK.withTrainSteps(0), 7, quiet).build(new NoteCorpus(database,
                train.stream().map(CodedNote::text).toList()), base);
        return new TinyCoderData(database, base, train, CodingData.read(database, "validation", 0),
                CodingData.read(database, "test", 0), CodeDictionary.fromDatabase(database));
    }
}
