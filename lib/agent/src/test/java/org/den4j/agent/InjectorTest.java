package org.den4j.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.den4j.den.Den;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InjectorTest {
    @TempDir
    Path tmp;
    Path root;

    @BeforeEach
    void den() throws Exception {
        root = tmp.resolve("den");
        try (Den den = Den.at(root)) {
            TinyDen.pushFile(den, tmp, "acme/tiny", "v1");
            TinyDen.pushFile(den, tmp, "acme/other", "other");
        }
    }

    private Injector injector(String arguments) {
        AgentOptions options = AgentOptions.parse(arguments, new java.util.Properties(), Map.of());
        return new Injector(options, NameMapper.load(options.mapper(), getClass().getClassLoader()),
                () -> Den.at(root));
    }

    @Test
    void prefixedNameIsServedFromTheDen() throws Exception {
        try (Injector injector = injector("prefix=den:")) {
            Path folder = injector.resolve("den:acme/tiny@1");
            assertEquals("v1", Files.readString(folder.resolve("weights.txt")));
            assertTrue(folder.startsWith(root), folder + " is inside " + root);
            assertEquals(folder, injector.resolve("den://acme/tiny"));
            assertEquals(folder, injector.resolve("den:acme/tiny"));
            assertEquals(folder, injector.resolve(Path.of("den://acme/tiny@1").toString()));
        }
    }

    @Test
    void nameWithoutPrefixGoesToDiskUntouched() {
        try (Injector injector = injector("prefix=den:")) {
            assertNull(injector.reference("acme/tiny"));
            assertNull(injector.reference("/models/den:acme/tiny"));
            assertNull(injector.resolve("file:/models/tiny"));
        }
    }

    @Test
    void emptyPrefixMakesEveryNameADenReference() throws Exception {
        try (Injector injector = injector("prefix=")) {
            assertEquals("acme/tiny@1", injector.reference("acme/tiny@1"));
            Path folder = injector.resolve("acme/tiny");
            // the folder handed out is not looked up again when one DJL method calls another with it
            assertNull(injector.reference(folder.toString()));
        }
    }

    @Test
    void otherPrefixIsHonoured() {
        try (Injector injector = injector("prefix=models://")) {
            assertEquals("acme/tiny", injector.reference("models://acme/tiny"));
            assertNull(injector.reference("den:acme/tiny"));
        }
    }

    @Test
    void missingModelNamesTheReferenceTheDenAndTheClosestName() {
        try (Injector injector = injector("prefix=den:")) {
            DenLoadException e = assertThrows(DenLoadException.class, () -> injector.resolve("den:acme/tiny2"));
            assertEquals("den:acme/tiny2", e.name());
            assertEquals("acme/tiny2", e.ref());
            assertTrue(e.getMessage().startsWith("den4j agent: cannot load 'den:acme/tiny2' (den reference acme/tiny2) "
                    + "from den "), e.getMessage());
            assertTrue(e.getMessage().contains(root.toString()), e.getMessage());
            assertTrue(e.getMessage().contains("did you mean acme/tiny"), e.getMessage());
        }
    }

    @Test
    void propertiesMapperMapsPlainAndPrefixedNames() throws Exception {
        Path map = tmp.resolve("map.properties");
        Files.writeString(map, "/models/tiny=acme/tiny@1\nbert=den:acme/other\n");
        try (Injector injector = injector("prefix=den:,mapper=" + map)) {
            assertEquals("acme/tiny@1", injector.reference("/models/tiny"));
            assertEquals("acme/other", injector.reference("den:bert"));
            assertEquals("acme/x", injector.reference("den:acme/x"));
            assertNull(injector.reference("/models/unmapped"));
            assertEquals("other", Files.readString(injector.resolve("den:bert").resolve("weights.txt")));
        }
    }

    @Test
    void jsonMapperMapsNames() throws Exception {
        Path map = tmp.resolve("map.json");
        Files.writeString(map, "{\"/models/tiny\": \"acme/tiny\", \"other\": \"acme/other@1\"}");
        try (Injector injector = injector("mapper=" + map)) {
            assertEquals("acme/tiny", injector.reference("/models/tiny"));
            assertEquals("acme/other@1", injector.reference("den:other"));
        }
    }

    @Test
    void classMapperIsLoadedFromTheClassPath() {
        try (Injector injector = injector("mapper=" + UpperCaseMapper.class.getName())) {
            assertEquals("acme/tiny", injector.reference("models/tiny"));
            assertNull(injector.reference("elsewhere/tiny"));
        }
    }

    @Test
    void badMapperSaysWhatItNeeds() throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NameMapper.load("com.example.NoSuchMapper", getClass().getClassLoader()));
        assertEquals("den4j agent mapper com.example.NoSuchMapper is neither a .properties or .json file nor a class "
                + "on the class path; pass a file path or a class name", e.getMessage());
        Path json = tmp.resolve("bad.json");
        Files.writeString(json, "[1, 2]");
        e = assertThrows(IllegalArgumentException.class, () -> NameMapper.load(json.toString(), null));
        assertEquals("den4j agent mapper file " + json + " is not a JSON object; write "
                + "{\"name\": \"org/model@version\", ...}", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> NameMapper.load(String.class.getName(), null));
        assertEquals("den4j agent mapper java.lang.String does not implement java.util.function.Function<String,String>",
                e.getMessage());
    }

    @Test
    void saveUnderTheSavePrefixIsPushedAndItsFolderRemoved() throws Exception {
        try (Injector injector = injector("save=den-save:")) {
            assertNull(injector.saveFolder("/models/out"));
            assertNull(injector.saveFolder("den:acme/out"));
            Path folder = injector.saveFolder("den-save://acme/out");
            Files.writeString(folder.resolve("weights.txt"), "saved");
            injector.pushSaved(folder);
            assertFalse(Files.exists(folder));
            assertEquals("saved", Files.readString(injector.resolve("den:acme/out@1").resolve("weights.txt")));
            injector.pushSaved(tmp); // not a save folder: nothing happens
            assertTrue(Files.isDirectory(tmp));
        }
    }

    @Test
    void savesAreNotInterceptedWithoutTheSaveOption() {
        try (Injector injector = injector("prefix=den:")) {
            assertNull(injector.saveFolder("den:acme/out"));
        }
    }

    @Test
    void saveUnderAnInvalidNameSaysWhy() {
        try (Injector injector = injector("save=den-save:")) {
            DenLoadException e = assertThrows(DenLoadException.class, () -> injector.saveFolder("den-save:Bad Name"));
            assertTrue(e.getMessage().startsWith("den4j agent: cannot save 'den-save:Bad Name' to the den: "),
                    e.getMessage());
        }
    }

    @Test
    void denIsOpenedOnlyAtTheFirstDenReference() {
        int[] opened = {0};
        try (Injector injector = new Injector(AgentOptions.defaults(), NameMapper.none(), () -> {
            opened[0]++;
            return Den.at(root);
        })) {
            assertNull(injector.resolve("/plain/path"));
            assertEquals(0, opened[0]);
            injector.resolve("den:acme/tiny");
            injector.resolve("den:acme/other");
            assertEquals(1, opened[0]);
        }
    }
}
