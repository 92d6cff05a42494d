package org.den4j.coder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.den4j.data.MimicImport;
import org.den4j.data.MimicVersion;
import org.den4j.data.SyntheticMimic;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CodingDataTest {
    @TempDir
    static Path dir;
    static Path database;

    @BeforeAll
    static void prepare() {
        SyntheticMimic.builder(MimicVersion.MIMIC_IV).patients(60).seed(7).build().write(dir.resolve("mimic"));
        MimicImport.builder(dir.resolve("mimic"), MimicVersion.MIMIC_IV).outputDir(dir.resolve("db")).build().run();
        database = dir.resolve("db").resolve(MimicImport.DATABASE_FILE);
    }

    @Test
    void splitsHoldDisjointAdmissionsWhoseCodesAreAllInTheDictionary() {
        CodeDictionary dictionary = CodeDictionary.fromDatabase(database);
        Set<Long> seen = new HashSet<>();
        int notes = 0;
        for (String split : List.of("train", "validation", "test")) {
            for (CodedNote n : CodingData.read(database, split, 0)) {
                assertTrue(seen.add(n.hadmId()), "admission in two splits: " + n.hadmId());
                assertFalse(n.codes().isEmpty());
                for (Code c : n.codes()) {
                    assertEquals(n.version(), c.system().version(), "one version per admission");
                    assertTrue(dictionary.contains(c), c.key() + " not in the dictionary");
                    assertFalse(dictionary.describe(c).orElseThrow().isBlank());
                }
                notes++;
            }
        }
        assertTrue(notes > 50, "notes: " + notes);
    }

    @Test
    void dictionaryRoundTripsThroughACoderFolder() {
        CodeDictionary dictionary = CodeDictionary.fromDatabase(database);
        CodeDictionary back;
        dictionary.write(dir);
        back = CodeDictionary.read(dir);
        assertEquals(dictionary.codes(), back.codes());
        for (Code c : dictionary.codes()) {
            assertEquals(dictionary.describe(c), back.describe(c));
        }
    }

    @Test
    void unknownSplitAndMissingDictionaryAreInputErrors() {
        assertThrows(CoderInputException.class, () -> CodingData.read(database, "dev", 0));
        CoderInputException e = assertThrows(CoderInputException.class,
                () -> CodeDictionary.read(dir.resolve("nowhere")));
        assertTrue(e.getMessage().contains(CodeDictionary.FILE_NAME), e.getMessage());
        assertThrows(CoderInputException.class, () -> IcdVersion.parse("icd11"));
    }
}
