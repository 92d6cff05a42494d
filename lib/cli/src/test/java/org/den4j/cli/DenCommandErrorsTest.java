package org.den4j.cli;

import static org.den4j.cli.Cli.model;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input and damaged dens: each gives one clear line on stderr and the documented exit code. */
class DenCommandErrorsTest {
    @TempDir
    Path tmp;
    Path denDir;
    Cli cli;

    @BeforeEach
    void setUp() throws Exception {
        denDir = tmp.resolve("den");
        cli = new Cli(denDir);
        model(tmp.resolve("m"), "config.json", "{\"hidden_size\":8}", "weights.bin", "weights v1");
    }

    private void pushed(String name) {
        Cli.Result r = cli.den("push", tmp.resolve("m").toString(), "--name", name);
        assertEquals(0, r.exit(), r.toString());
    }

    private static void assertFails(int exit, String message, Cli.Result r) {
        assertEquals(exit, r.exit(), r.toString());
        assertEquals("den: " + message + "\n", r.err());
        assertEquals("", r.out());
    }

    @Test
    void pushRefusesALinkOutOfTheFolderAndFollowsOneInsideOnlyWhenAsked() throws Exception {
        Path m = tmp.resolve("m");
        Files.createSymbolicLink(m.resolve("alias.json"), Path.of("config.json"));
        assertFails(2, "Model directory " + m + " holds a symbolic link 'alias.json' (to config.json inside it); "
                + "pass --follow-symlinks (PushRequest.followSymlinks) to push what it points to, or remove the link",
                cli.den("push", m.toString(), "--name", "acme/links"));
        Cli.Result r = cli.den("push", m.toString(), "--name", "acme/links", "--follow-symlinks");
        assertEquals(0, r.exit(), r.toString());
        Files.createSymbolicLink(m.resolve("passwd"), Path.of("/etc/passwd"));
        assertFails(2, "Model directory " + m + " holds a symbolic link 'passwd' that points outside it (to "
                + "/etc/passwd); den push stores only what is inside the folder: copy the file in, or remove the link",
                cli.den("push", m.toString(), "--name", "acme/links", "--follow-symlinks"));
    }

    @Test
    void unknownModelSaysWhatExistsAndSuggestsTheClosestName() {
        pushed("acme/icd-coder");
        assertFails(2, "No model named 'acme/icd-codr' in den " + denDir + "; did you mean acme/icd-coder? "
                + "(it holds 1 name; see den list)", cli.den("fetch", "acme/icd-codr"));
        pushed("acme/other");
        assertFails(2, "No model named 'acme/zzz' in den " + denDir + " (it holds 2 names; see den list)",
                cli.den("fetch", "acme/zzz"));
    }

    @Test
    void unknownVersionListsTheVersionsThatExist() throws Exception {
        pushed("acme/x");
        Files.writeString(tmp.resolve("m/weights.bin"), "weights v2");
        pushed("acme/x");
        assertFails(2, "Model acme/x has no version 7; versions are 1, 2 (latest 2)", cli.den("show", "acme/x@7"));
    }

    @Test
    void nameWithDotDotIsRefused() {
        assertFails(2, "Model name 'acme/../x' contains '..'; names may not walk directories, use a name such as "
                + "org/model", cli.den("push", tmp.resolve("m").toString(), "--name", "acme/../x"));
    }

    @Test
    void absoluteNameIsRefused() {
        assertFails(2, "Model name '/etc/x' is an absolute path; use a name such as org/model",
                cli.den("push", tmp.resolve("m").toString(), "--name", "/etc/x"));
    }

    @Test
    void nameWithCharactersOutsideTheAllowedSetIsRefused() {
        assertFails(2, "Model name 'acme/my model!' has characters outside [A-Za-z0-9._-/]; use letters, digits, "
                + "'.', '_', '-' and '/' only", cli.den("push", tmp.resolve("m").toString(), "--name", "acme/my model!"));
    }

    @Test
    void zipWhoseEntriesEscapeTheTargetIsRefusedAndWritesNothing() throws Exception {
        Path zip = tmp.resolve("evil.zip");
        try (OutputStream out = Files.newOutputStream(zip); ZipOutputStream z = new ZipOutputStream(out)) {
            z.putNextEntry(new ZipEntry("config.json"));
            z.write("{}".getBytes());
            z.putNextEntry(new ZipEntry("../../../evil.txt"));
            z.write("pwned".getBytes());
        }
        assertFails(2, "Zip " + zip + " has entry '../../../evil.txt' that escapes the target directory; refusing to "
                + "import it (rebuild the zip with relative paths)", cli.den("import", zip.toString(), "--name", "acme/x"));
        try (var files = Files.walk(tmp)) {
            assertFalse(files.anyMatch(p -> p.getFileName().toString().equals("evil.txt")));
        }
        assertEquals("", cli.den("list").out(), "nothing was imported");
    }

    @Test
    void emptyDirectoryIsRefused() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        assertFails(2, "Model directory " + empty + " holds no files; a model needs at least one file",
                cli.den("push", empty.toString(), "--name", "acme/x"));
    }

    @Test
    void missingDirectoryIsRefused() {
        Path missing = tmp.resolve("missing");
        assertFails(2, "Model directory " + missing + " does not exist; pass the directory that holds the model files",
                cli.den("push", missing.toString(), "--name", "acme/x"));
    }

    @Test
    void pushOfIdenticalContentReturnsTheExistingVersionAndSaysSo() {
        Cli.Result first = cli.den("push", tmp.resolve("m").toString(), "--name", "acme/x");
        Cli.Result again = cli.den("push", tmp.resolve("m").toString(), "--name", "acme/x");
        assertEquals(0, again.exit(), again.toString());
        assertEquals(first.out(), again.out());
        assertTrue(again.out().startsWith("acme/x@1 sha256:"), again.out());
        assertEquals("already present as acme/x@1, no new version\n", again.err());
    }

    @Test
    void denPathThatIsAFileIsRefused() throws Exception {
        Path file = Files.writeString(tmp.resolve("not-a-dir"), "x");
        assertFails(2, "Den path " + file + " is a file, not a directory; point DEN4J_PATH (or --den) at a directory",
                new Cli(file).den("list"));
    }

    @Test
    void denPathThatCannotBeCreatedIsRefused() throws Exception {
        // Below a regular file nothing can be created, even by root. Push is a command that creates
        // the den; read commands refuse a missing den before trying (see the next test).
        Path file = Files.writeString(tmp.resolve("file"), "x");
        Path den = file.resolve("den");
        Cli.Result r = new Cli(den).den("push", tmp.resolve("m").toString(), "--name", "acme/x");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().startsWith("den: Den path " + den + " is not writable ("), r.err());
        assertTrue(r.err().endsWith("); choose a writable directory with DEN4J_PATH or --den, or fix its permissions\n"),
                r.err());
    }

    @Test
    void readCommandOnADenPathThatDoesNotExistIsRefusedAndCreatesNothing() {
        Path missing = tmp.resolve("nonexistent");
        assertFails(2, "Den path " + missing + " does not exist; check --den, or push a model there to create the den",
                new Cli(missing).den("list"));
        assertFalse(Files.exists(missing), "a read command does not create the den");
        assertFails(2, "Den path " + missing + " does not exist; check DEN4J_PATH, or push a model there to create "
                + "the den", Cli.raw(Map.of("DEN4J_PATH", missing.toString()), "show", "acme/x"));
        assertFalse(Files.exists(missing), "a read command does not create the den");
        assertEquals(0, new Cli(missing).den("push", tmp.resolve("m").toString(), "--name", "acme/x").exit(),
                "push creates it");
        assertEquals(0, new Cli(missing).den("list").exit());
    }

    @Test
    void denPathWithoutWritePermissionIsRefused() throws Exception {
        // Root ignores permission bits, so this check only bites for ordinary users.
        assumeFalse("root".equals(System.getProperty("user.name")), "root can write anywhere");
        Path den = Files.createDirectories(tmp.resolve("read-only"));
        Files.setPosixFilePermissions(den, PosixFilePermissions.fromString("r-xr-xr-x"));
        Cli.Result r = new Cli(den).den("list");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("is not writable"), r.err());
    }

    @Test
    void invalidDenTypeNamesTheVariableAndTheAcceptedValues() {
        assertFails(2, "DEN4J_TYPE=bogus is not a den type; use one of local_user, local_machine, s3, http, hf",
                new Cli(denDir, Map.of("DEN4J_TYPE", "bogus")).den("list"));
        assertFails(2, "--type=nope is not a den type; use one of local_user, local_machine, s3, http, hf",
                Cli.raw(Map.of(), "--type", "nope", "--den", denDir.toString(), "list"));
    }

    @Test
    void hfDenTypeIsRefusedPointingAtHfReferences() throws Exception {
        String message = "DEN4J_TYPE=hf is not a den: den4j reads the Hugging Face Hub through hf: references "
                + "instead; keep a local_user, local_machine, s3 or http den and use, for example, "
                + "`den fetch hf:org/name@REV` or `den import hf:org/name@REV` (HF_ENDPOINT, HF_TOKEN and HF_HUB_CACHE "
                + "apply)";
        assertFails(2, message, new Cli(denDir, Map.of("DEN4J_TYPE", "HF")).den("list"));
        Path file = tmp.resolve("backends.json");
        Files.writeString(file, "{\"default_backend\": \"hub\", \"backends\": {\"hub\": {\"type\": \"hf\"}}}");
        assertFails(2, message.replace("DEN4J_TYPE=hf", "Backend hub of type hf"),
                Cli.raw(Map.of("DEN4J_BACKENDS_JSON", file.toString()), "list"));
    }

    @Test
    void corruptedBlobMakesVerifyExit1NamingFileModelAndDigest() throws Exception {
        pushed("acme/x");
        Path blob = Cli.blob(denDir, "weights v1");
        Files.setPosixFilePermissions(blob, PosixFilePermissions.fromString("rw-r--r--"));
        Files.writeString(blob, "weights XX");
        String digest = Cli.sha256("weights v1");

        Cli.Result r = cli.den("verify");
        assertEquals(1, r.exit(), r.toString());
        assertEquals("CORRUPT acme/x@1 file weights.bin (sha256:" + digest + "): content hashes to "
                + Cli.sha256("weights XX") + "\n", r.out());
        assertTrue(r.err().startsWith("1 damaged file(s) in 1 model(s) of 1 model(s), 2 file(s), "), r.err());
    }

    @Test
    void fetchOfANeverFetchedModelWithACorruptedBlobFails() throws Exception {
        pushed("acme/x");
        // A push links the model directory at once; remove it so that the fetch is a first fetch that
        // hashes every blob.
        Cli.deleteSnapshots(denDir);
        Path blob = Cli.blob(denDir, "weights v1");
        Files.setPosixFilePermissions(blob, PosixFilePermissions.fromString("rw-r--r--"));
        Files.writeString(blob, "weights XX");
        assertFails(1, "Corrupted blob for file 'weights.bin' of model acme/x@1: content hashes to "
                + Cli.sha256("weights XX") + " (expected sha256:" + Cli.sha256("weights v1") + ", blob " + blob
                + "). Run den verify, which sets damaged blobs aside, then push the model again to restore it.",
                cli.den("fetch", "acme/x"));
        try (var dirs = Files.list(denDir.resolve("snapshots"))) {
            assertEquals(0, dirs.count(), "no model directory is left behind");
        }
    }

    @Test
    void verifySetsADamagedBlobAsideSoFetchFailsUntilAPushRestoresIt() throws Exception {
        pushed("acme/x");
        Path blob = Cli.blob(denDir, "weights v1");
        Files.setPosixFilePermissions(blob, PosixFilePermissions.fromString("rw-r--r--"));
        Files.writeString(blob, "weights XX"); // same size: only a re-hash finds it
        String digest = Cli.sha256("weights v1");

        Cli.Result verify = cli.den("verify");
        assertEquals(1, verify.exit(), verify.toString());
        assertTrue(verify.out().startsWith("CORRUPT acme/x@1 file weights.bin (sha256:" + digest + ")"), verify.out());
        assertTrue(verify.err().endsWith("; damaged blobs were set aside, so push the damaged models again to restore "
                + "them\n"), verify.err());
        assertFalse(Files.exists(blob), "the damaged blob is set aside");
        try (var quarantined = Files.list(denDir.resolve("quarantine"))) {
            assertEquals(1, quarantined.filter(p -> p.getFileName().toString().startsWith(digest + "-")).count());
        }

        // CorruptBlobException is not bad input: exit 1 (Commands.FAILURE).
        assertFails(1, "Corrupted blob for file 'weights.bin' of model acme/x@1: the blob is missing (expected sha256:"
                + digest + "). Run den verify, which sets damaged blobs aside, then push the model again to restore "
                + "it.", cli.den("fetch", "acme/x"));

        Cli.Result push = cli.den("push", tmp.resolve("m").toString(), "--name", "acme/x");
        assertEquals(0, push.exit(), push.toString());
        assertTrue(push.out().startsWith("acme/x@1 sha256:"), push.out());
        assertEquals("weights v1", Files.readString(blob), "the push stored the blob afresh");
        Cli.Result clean = cli.den("verify");
        assertEquals(0, clean.exit(), clean.toString());
        assertTrue(clean.out().startsWith("OK: 1 model(s), 2 file(s), "), clean.out());
        Cli.Result fetch = cli.den("fetch", "acme/x");
        assertEquals(0, fetch.exit(), fetch.toString());
        assertEquals("weights v1", Files.readString(Path.of(fetch.out().trim()).resolve("weights.bin")));
    }

    @Test
    void fetchOfAModelWhoseBlobChangedSizeFails() throws Exception {
        pushed("acme/x");
        Path blob = Cli.blob(denDir, "weights v1");
        Files.setPosixFilePermissions(blob, PosixFilePermissions.fromString("rw-r--r--"));
        Files.writeString(blob, "weights v1 and more");
        Cli.Result r = cli.den("fetch", "acme/x");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().startsWith("den: Corrupted blob for file 'weights.bin' of model acme/x@1: size is 19 bytes, "
                + "expected 10 (expected sha256:" + Cli.sha256("weights v1") + ", "), r.err());
        assertEquals("", r.out());
    }

    @Test
    void usageErrorsExit2WithAHint() {
        Cli.Result unknown = cli.den("pusj");
        assertEquals(2, unknown.exit());
        assertTrue(unknown.err().startsWith("den: Unmatched argument at index 2: 'pusj'\n"), unknown.err());
        assertTrue(unknown.err().contains("Did you mean: den push?"), unknown.err());

        Cli.Result noName = cli.den("push", tmp.resolve("m").toString());
        assertEquals(2, noName.exit());
        assertEquals("den: Missing required option: '--name=NAME'\nRun 'den push --help' for usage.\n", noName.err());

        Cli.Result both = cli.den("list", "--base", "--derivatives-of", "acme/x");
        assertEquals(2, both.exit());
        assertTrue(both.err().startsWith("den: --base, --derivatives-of=REF are mutually exclusive"), both.err());

        Cli.Result grace = cli.den("gc", "--grace", "soon");
        assertEquals(2, grace.exit());
        assertTrue(grace.err().startsWith("den: Invalid value for option '--grace': 'soon' is not a duration; write a "
                + "number with a unit, for example 0s, 10m, 1h or 2d\n"), grace.err());
    }

    @Test
    void aliasMistakesExit2() {
        pushed("acme/x");
        assertFails(2, "Alias acme/x@prod needs a VERSION to point to; write den alias acme/x prod VERSION, or --remove "
                + "to remove it", cli.den("alias", "acme/x", "prod"));
        assertFails(2, "Model acme/x has no version 9; versions are 1 (latest 1)", cli.den("alias", "acme/x", "prod", "9"));
        assertFails(2, "Alias '1st' is not valid; an alias starts with a letter and has only [A-Za-z0-9._-], for "
                + "example prod or champion", cli.den("alias", "acme/x", "1st", "1"));
        assertEquals(2, cli.den("alias", "acme/x", "prod", "--remove").exit());
    }

    @Test
    void badInputToSearchAndImportNamesTheFix() {
        pushed("acme/x"); // read commands need an existing den
        assertFails(2, "'pictures' is not a data type; use one of TEXT, IMAGE, AUDIO, VIDEO, EMBEDDINGS, TOKENS, "
                + "LOGITS, FEATURES", cli.den("search", "--input", "pictures"));
        Path missing = tmp.resolve("missing.zip");
        assertFails(2, "Import source " + missing + " does not exist; pass a zip made by den export or a model "
                + "directory", cli.den("import", missing.toString(), "--name", "acme/x"));
        Path registry = tmp.resolve("missing.yaml");
        assertFails(2, "Registry file " + registry + " does not exist; write one with den export-registry FILE",
                cli.den("import-registry", registry.toString()));
    }

    @Test
    void invalidMetadataFileIsRefused() throws Exception {
        Path meta = Files.writeString(tmp.resolve("meta.yaml"), "inputs:\n  - name: prompt\n");
        assertFails(2, "Metadata file " + meta + ", inputs[0]: Input or output 'prompt' has no data type; use one of TEXT, "
                + "IMAGE, AUDIO, VIDEO, EMBEDDINGS, TOKENS, LOGITS, FEATURES",
                cli.den("push", tmp.resolve("m").toString(), "--name", "acme/x", "--metadata", meta.toString()));
        Path broken = Files.writeString(tmp.resolve("meta.json"), "{not json");
        Cli.Result r = cli.den("push", tmp.resolve("m").toString(), "--name", "acme/x", "--metadata", broken.toString());
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().startsWith("den: Metadata file " + broken + " is not valid JSON ("), r.err());
        Path missing = tmp.resolve("nope.json");
        assertEquals(2, cli.den("push", tmp.resolve("m").toString(), "--name", "acme/x", "--metadata",
                missing.toString()).exit());
    }

    @Test
    void verboseAddsTheStackTraceAndPlainOutputDoesNot() {
        pushed("acme/x"); // read commands need an existing den
        Cli.Result plain = cli.den("show", "acme/none");
        assertEquals(1, plain.err().lines().count(), plain.err());
        Cli.Result verbose = cli.den("show", "acme/none", "--verbose");
        assertEquals(2, verbose.exit());
        assertTrue(verbose.err().contains("org.den4j.den.ModelNotFoundException: No model named 'acme/none'"),
                verbose.err());
        assertTrue(verbose.err().contains("\tat org.den4j.den.Den.show("), verbose.err());
    }
}
