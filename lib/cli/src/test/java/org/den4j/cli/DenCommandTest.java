package org.den4j.cli;

import static org.den4j.cli.Cli.model;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.den4j.den.Den;
import org.den4j.den.format.Json;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every {@code den} command, run in-process against a real temporary den. */
class DenCommandTest {
    @TempDir
    Path tmp;
    Path denDir;
    Cli cli;

    @BeforeEach
    void setUp() {
        denDir = tmp.resolve("den");
        cli = new Cli(denDir);
    }

    private String push(String dir, String name, String... extra) {
        String[] args = new String[3 + extra.length];
        args[0] = "push";
        args[1] = tmp.resolve(dir).toString();
        args[2] = "--name=" + name;
        System.arraycopy(extra, 0, args, 3, extra.length);
        Cli.Result r = cli.den(args);
        assertEquals(0, r.exit(), r.toString());
        return r.out().trim();
    }

    /** A base acme/base@1 and a derivative acme/coder@1 that shares its weights. */
    private void baseAndCoder() throws Exception {
        model(tmp.resolve("base"), "config.json", "{\"model_type\":\"qwen2\"}", "weights.bin", "base weights");
        model(tmp.resolve("coder"), "config.json", "{\"model_type\":\"qwen2\"}", "weights.bin", "base weights",
                "adapter.bin", "adapter");
        Files.writeString(tmp.resolve("meta.yaml"), """
                modelType: decoder-only
                architecture: Qwen2ForCausalLM
                inputs:
                  - name: prompt
                    dataType: TEXT
                outputs:
                  - name: icd_codes
                    dataType: TEXT
                metrics:
                  f1_micro: 0.41
                license: apache-2.0
                """);
        push("base", "acme/base", "--description", "the base", "--tag", "qwen2");
        push("coder", "acme/coder", "--parent", "acme/base@1", "--tag", "icd10", "--tag", "lora",
                "--metadata", tmp.resolve("meta.yaml").toString(), "-d", "ICD coder");
    }

    @Test
    void pushPrintsNameAtVersionAndDigest() throws Exception {
        model(tmp.resolve("m"), "a.txt", "one");
        String first = push("m", "acme/x");
        assertTrue(first.matches("acme/x@1 sha256:[0-9a-f]{64}"), first);
        Files.writeString(tmp.resolve("m/a.txt"), "two");
        Cli.Result second = cli.den("push", tmp.resolve("m").toString(), "--name", "acme/x");
        assertTrue(second.out().trim().matches("acme/x@2 sha256:[0-9a-f]{64}"), second.toString());
        assertTrue(second.err().contains("pushed acme/x@2: 1 file(s)"), second.err());
    }

    @Test
    void fetchPrintsOnlyTheAbsoluteModelDirectory() throws Exception {
        model(tmp.resolve("m"), "config.json", "{}", "sub/weights.bin", "0123456789");
        push("m", "acme/tiny");
        Cli.Result r = cli.den("fetch", "acme/tiny@1");
        assertEquals(0, r.exit(), r.toString());
        assertEquals(1, r.out().lines().count(), r.out());
        Path dir = Path.of(r.out().trim());
        assertTrue(dir.isAbsolute(), dir.toString());
        assertEquals("0123456789", Files.readString(dir.resolve("sub/weights.bin")));
        assertEquals("", r.err(), "a small fetch draws no progress bar");
    }

    @Test
    void listJsonCarriesNameVersionDigestDescriptionTagsAndParent() throws Exception {
        baseAndCoder();
        Cli.Result r = cli.den("list", "--json");
        assertEquals(0, r.exit(), r.toString());
        JsonNode array = Json.MAPPER.readTree(r.out());
        assertEquals(2, array.size());
        JsonNode base = array.get(0);
        JsonNode coder = array.get(1);
        assertEquals("acme/base", base.get("name").asText());
        assertEquals(1, base.get("version").asInt());
        assertTrue(base.get("digest").asText().matches("[0-9a-f]{64}"));
        assertEquals("the base", base.get("description").asText());
        assertEquals("qwen2", base.get("tags").get(0).asText());
        assertTrue(base.has("parent") && base.get("parent").isNull(), base.toString());
        assertEquals(base.get("digest").asText(), coder.get("parent").asText());
        assertEquals("acme/base@1", coder.get("parentRef").asText());
        assertEquals(List.of("icd10", "lora"), List.of(coder.get("tags").get(0).asText(), coder.get("tags").get(1).asText()));
    }

    @Test
    void listShowsATableAndFiltersBaseModelsAndDerivatives() throws Exception {
        baseAndCoder();
        Cli.Result all = cli.den("list");
        assertEquals(0, all.exit(), all.toString());
        assertTrue(all.lines().get(0).startsWith("MODEL"), all.out());
        assertTrue(all.out().contains("acme/base@1") && all.out().contains("acme/coder@1"), all.out());
        Cli.Result base = cli.den("list", "--base");
        assertEquals(2, base.lines().size(), base.out());
        assertTrue(base.lines().get(1).startsWith("acme/base@1 "), base.out());
        Cli.Result derived = cli.den("list", "--derivatives-of", "acme/base");
        assertEquals(2, derived.lines().size(), derived.out());
        assertTrue(derived.lines().get(1).startsWith("acme/coder@1 "), derived.out());
    }

    @Test
    void showPrintsDigestSizeParentAliasesTagsMetadataAndFiles() throws Exception {
        baseAndCoder();
        cli.den("alias", "acme/coder", "prod", "1");
        Cli.Result r = cli.den("show", "acme/coder");
        assertEquals(0, r.exit(), r.toString());
        String out = r.out();
        assertTrue(out.startsWith("acme/coder@1\n"), out);
        assertTrue(out.matches("(?s).*digest\\s+sha256:[0-9a-f]{64}.*"), out);
        assertTrue(out.matches("(?s).*size\\s+\\d+ B in 3 file\\(s\\).*"), out);
        assertTrue(out.matches("(?s).*parent\\s+acme/base@1 \\(sha256:[0-9a-f]{12}\\).*"), out);
        assertTrue(out.matches("(?s).*aliases\\s+prod\n.*"), out);
        assertTrue(out.matches("(?s).*tags\\s+icd10, lora\n.*"), out);
        assertTrue(out.matches("(?s).*architecture\\s+Qwen2ForCausalLM\n.*"), out);
        assertTrue(out.matches("(?s).*outputs\\s+icd_codes \\(TEXT\\)\n.*"), out);
        assertTrue(out.matches("(?s).*metrics\\s+f1_micro=0.41\n.*"), out);
        assertTrue(out.matches("(?s).*\nFILE\\s+SIZE\\s+SHA256\n.*adapter.bin.*config.json.*weights.bin.*"), out);

        JsonNode json = Json.MAPPER.readTree(cli.den("show", "acme/coder", "--json").out());
        assertEquals("Qwen2ForCausalLM", json.get("metadata").get("architecture").asText());
        assertEquals("prod", json.get("aliases").get(0).asText());
        assertEquals(3, json.get("files").size());
        assertEquals("adapter.bin", json.get("files").get(0).get("path").asText());
    }

    @Test
    void pushReadsMetadataFromJsonToo() throws Exception {
        model(tmp.resolve("m"), "a.txt", "x");
        Files.writeString(tmp.resolve("meta.json"), "{\"modelType\":\"embedding\",\"architecture\":\"BertModel\"}");
        push("m", "acme/embed", "--metadata", tmp.resolve("meta.json").toString());
        JsonNode json = Json.MAPPER.readTree(cli.den("show", "acme/embed", "--json").out());
        assertEquals("embedding", json.get("metadata").get("modelType").asText());
    }

    @Test
    void rmDeletesAVersionAndRefusesAParentWithoutForce() throws Exception {
        baseAndCoder();
        Cli.Result refused = cli.den("rm", "acme/base@1");
        assertEquals(1, refused.exit(), refused.toString());
        assertEquals("den: Model acme/base@1 is the parent of 1 derived model(s) [acme/coder@1]; delete those first "
                + "or pass force (den rm --force) to delete it anyway.\n", refused.err());

        Cli.Result rm = cli.den("rm", "acme/coder@1");
        assertEquals(0, rm.exit(), rm.toString());
        assertTrue(rm.out().startsWith("deleted acme/coder@1 sha256:"), rm.out());
        assertEquals(2, cli.den("show", "acme/coder").exit());
        assertEquals(0, cli.den("rm", "acme/base", "--force").exit());
        assertEquals("", cli.den("list").out());
    }

    @Test
    void aliasIsCreatedMovedListedRemovedAndKeepsHistory() throws Exception {
        model(tmp.resolve("m"), "a.txt", "one");
        push("m", "acme/x");
        Files.writeString(tmp.resolve("m/a.txt"), "two");
        push("m", "acme/x");

        assertEquals("acme/x@prod -> 1 (new)\n", cli.den("alias", "acme/x", "prod", "1").out());
        assertEquals("acme/x@prod -> 2 (was 1)\n", cli.den("alias", "acme/x", "prod", "2").out());
        assertTrue(cli.den("show", "acme/x@prod").out().startsWith("acme/x@2\n"));
        Cli.Result list = cli.den("alias", "acme/x");
        assertEquals(List.of("ALIAS  MODEL", "prod   acme/x@2"), list.lines());
        assertEquals("removed acme/x@prod (was version 2)\n", cli.den("alias", "acme/x", "prod", "--remove").out());
        Cli.Result history = cli.den("alias", "acme/x", "--history");
        assertEquals(4, history.lines().size(), history.out());
        assertTrue(history.lines().get(3).contains("removed (was 2)"), history.out());
        Cli.Result gone = cli.den("fetch", "acme/x@prod");
        assertEquals(2, gone.exit(), gone.toString());
        assertTrue(gone.err().contains("Model acme/x has no alias 'prod'"), gone.err());
    }

    @Test
    void searchMatchesTextTagsTypeArchitectureInputOutputAndLatest() throws Exception {
        baseAndCoder();
        assertEquals(List.of("acme/coder"), names(cli.den("search", "--tag", "icd10", "--json")));
        assertEquals(List.of("acme/coder"), names(cli.den("search", "coder", "--json")));
        assertEquals(List.of("acme/coder"), names(cli.den("search", "--type", "decoder-only", "--architecture",
                "qwen2forcausallm", "--input", "text", "--output", "TEXT", "--json")));
        assertEquals(List.of(), names(cli.den("search", "--input", "image", "--json")));
        assertEquals(List.of("acme/base", "acme/coder"), names(cli.den("search", "--latest", "--json")));
        Cli.Result none = cli.den("search", "nothing-like-this");
        assertEquals(0, none.exit());
        assertEquals("", none.out());
        assertTrue(none.err().contains("no models match"), none.err());
        Cli.Result table = cli.den("search", "--tag", "lora");
        assertTrue(table.lines().get(1).startsWith("acme/coder@1"), table.out());
    }

    @Test
    void duckDbIndexSearchesLikeTheMemoryIndex() throws Exception {
        baseAndCoder();
        Cli duckdb = new Cli(denDir, Map.of("DEN4J_REGISTRY_INDEX", "duckdb"));
        Path indexFile = denDir.resolve("index").resolve("registry.duckdb");
        assertFalse(Files.exists(indexFile), "the memory index keeps no DuckDB file");
        for (List<String> args : List.of(List.of("search", "--tag", "icd10"), List.of("search", "coder", "--json"),
                List.of("search", "--type", "decoder-only", "--architecture", "qwen2forcausallm", "--input", "text",
                        "--output", "TEXT"),
                List.of("search", "--input", "image", "--json"), List.of("search", "--latest"),
                List.of("search", "nothing-like-this"))) {
            String[] a = args.toArray(String[]::new);
            Cli.Result memory = cli.den(a);
            Cli.Result viaDuckDb = duckdb.den(a);
            assertEquals(0, viaDuckDb.exit(), viaDuckDb.toString());
            assertEquals(memory.toString(), viaDuckDb.toString(), String.join(" ", args));
        }
        assertTrue(duckdb.den("search", "--tag", "icd10").out().contains("acme/coder@1"), "results, not just none");
        assertTrue(Files.exists(indexFile), "DEN4J_REGISTRY_INDEX=duckdb answered through DuckDB");
    }

    private static List<String> names(Cli.Result r) throws Exception {
        assertEquals(0, r.exit(), r.toString());
        List<String> names = new java.util.ArrayList<>();
        Json.MAPPER.readTree(r.out()).forEach(n -> names.add(n.get("name").asText()));
        return names;
    }

    @Test
    void treePrintsTheLineageOfAModelAndTheWholeForest() throws Exception {
        baseAndCoder();
        model(tmp.resolve("other"), "b.txt", "other");
        push("other", "acme/other");
        Cli.Result tree = cli.den("tree", "acme/coder");
        assertEquals(0, tree.exit(), tree.toString());
        assertEquals(2, tree.lines().size(), tree.out());
        assertTrue(tree.lines().get(0).startsWith("acme/base@1  "), tree.out());
        assertTrue(tree.lines().get(1).startsWith("└── acme/coder@1  "), tree.out());
        Cli.Result forest = cli.den("tree");
        assertEquals(3, forest.lines().size(), forest.out());
        assertTrue(forest.out().contains("acme/other@1"), forest.out());
    }

    @Test
    void verifyOfAHealthyDenSaysOk() throws Exception {
        baseAndCoder();
        Cli.Result all = cli.den("verify");
        assertEquals(0, all.exit(), all.toString());
        assertTrue(all.out().startsWith("OK: 2 model(s), 5 file(s), "), all.out());
        Cli.Result one = cli.den("verify", "acme/base");
        assertTrue(one.out().startsWith("OK: 1 model(s), 2 file(s), "), one.out());
    }

    @Test
    void gcFreesTheBlobsOfDeletedModels() throws Exception {
        model(tmp.resolve("m"), "a.txt", "only here");
        push("m", "acme/x");
        cli.den("fetch", "acme/x");
        assertTrue(Files.exists(Cli.blob(denDir, "only here")));
        cli.den("rm", "acme/x");
        Cli.Result kept = cli.den("gc");
        assertEquals(0, kept.exit(), kept.toString());
        assertTrue(kept.out().startsWith("removed 0 blob(s), 1 fetched directory"), kept.out());
        assertTrue(Files.exists(Cli.blob(denDir, "only here")), "a fresh blob survives the default grace period");
        Cli.Result gc = cli.den("gc", "--grace", "0s");
        assertTrue(gc.out().startsWith("removed 1 blob(s)"), gc.out());
        assertFalse(Files.exists(Cli.blob(denDir, "only here")));
    }

    @Test
    void exportedZipImportsUnderANewNameWithItsRecord() throws Exception {
        baseAndCoder();
        Path zip = tmp.resolve("out/coder.zip");
        Cli.Result export = cli.den("export", "acme/coder", zip.toString());
        assertEquals(0, export.exit(), export.toString());
        assertTrue(export.out().startsWith("exported acme/coder@1 to " + zip), export.out());

        Cli other = new Cli(tmp.resolve("den2"));
        Cli.Result imported = other.den("import", zip.toString(), "--name", "team/coder");
        assertEquals(0, imported.exit(), imported.toString());
        assertTrue(imported.out().trim().matches("team/coder@1 sha256:[0-9a-f]{64}"), imported.out());
        JsonNode json = Json.MAPPER.readTree(other.den("show", "team/coder", "--json").out());
        assertEquals("ICD coder", json.get("description").asText());
        assertEquals("Qwen2ForCausalLM", json.get("metadata").get("architecture").asText());
        Path dir = Path.of(other.den("fetch", "team/coder").out().trim());
        assertEquals("adapter", Files.readString(dir.resolve("adapter.bin")));

        Cli.Result fromDir = other.den("import", tmp.resolve("base").toString(), "--name", "team/base", "-t", "x");
        assertEquals(0, fromDir.exit(), fromDir.toString());
        assertTrue(fromDir.out().startsWith("team/base@1 sha256:"), fromDir.out());
    }

    @Test
    void statsCountsModelsAndSharedBytes() throws Exception {
        baseAndCoder();
        Cli.Result r = cli.den("stats");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().matches("(?s).*versions\\s+2 \\(1 base\\).*"), r.out());
        assertTrue(r.out().matches("(?s).*stored size\\s+\\d+ B in 3 blob\\(s\\).*"), r.out());
        JsonNode json = Json.MAPPER.readTree(cli.den("stats", "--json").out());
        assertEquals(2, json.get("names").asInt());
        assertEquals(3, json.get("blobs").asInt());
        assertTrue(json.get("deduplicationRatio").asDouble() > 1.5, json.toString());
        assertEquals(1, json.get("byModelType").get("decoder-only").asInt());
    }

    @Test
    void registryExportImportsBackDescriptionsTagsAndMetadata() throws Exception {
        baseAndCoder();
        Path file = tmp.resolve("registry.json");
        Cli.Result export = cli.den("export-registry", file.toString());
        assertEquals(0, export.exit(), export.toString());
        assertEquals("exported 2 registry record(s) to " + file + "\n", export.out());
        Files.writeString(file, Files.readString(file).replace("\"the base\"", "\"the renamed base\""));
        Cli.Result imported = cli.den("import-registry", file.toString());
        assertEquals(0, imported.exit(), imported.toString());
        assertEquals("updated acme/base@1\nupdated acme/coder@1\ncreated 0, updated 2, refused 0\n", imported.out());
        assertTrue(cli.den("show", "acme/base").out().contains("the renamed base"));

        Path yaml = tmp.resolve("registry.yaml");
        assertEquals(0, cli.den("export-registry", yaml.toString()).exit());
        assertTrue(Files.readString(yaml).contains("name: \"acme/coder\""), Files.readString(yaml));
    }

    @Test
    void helpListsEveryDenTypeThatDenConfigAccepts() {
        String help = Cli.raw(Map.of(), "--help").out();
        String typeLines = help.substring(help.indexOf("  DEN4J_TYPE "), help.indexOf("  DEN4J_PATH "));
        String typeOption = help.substring(help.lastIndexOf("--type=TYPE"), help.lastIndexOf("--type=TYPE") + 240);
        for (org.den4j.den.DenType type : org.den4j.den.DenType.values()) {
            // Every value DenType.parse accepts is documented where DEN4J_TYPE is, so the two cannot drift apart.
            assertTrue(typeLines.matches("(?s).*\\b" + type.configName() + "\\b.*"), type.configName()
                    + " missing from the DEN4J_TYPE lines of den --help:\n" + typeLines);
            assertEquals(type, org.den4j.den.DenType.parse(type.configName(), "DEN4J_TYPE"));
            if (type != org.den4j.den.DenType.HF) {
                assertTrue(typeOption.contains(type.configName()), type.configName() + " missing from --type:\n"
                        + typeOption);
            }
        }
    }

    @Test
    void helpListsCommandsAndExitCodes() {
        Cli.Result r = Cli.raw(Map.of(), "--help");
        assertEquals(0, r.exit());
        for (String command : List.of("push", "fetch", "list", "show", "rm", "alias", "search", "tree", "verify", "gc",
                "export", "import", "stats", "export-registry", "import-registry", "register", "registry")) {
            assertTrue(r.out().contains("\n  " + command + " "), command + " missing from\n" + r.out());
        }
        assertTrue(r.out().contains("Exit codes:\n  0   success\n  1   failure"), r.out());
        assertTrue(Cli.raw(Map.of(), "push", "--help").out().contains("Exit codes:"), "subcommands inherit the list");
        assertTrue(Cli.raw(Map.of(), "--version").out().startsWith("den (den4j) 0.1.0"));
    }

    @Test
    void denWithoutSubcommandPrintsUsageAndExits2() {
        Cli.Result r = Cli.raw(Map.of());
        assertEquals(2, r.exit());
        assertTrue(r.err().startsWith("Usage: den "), r.err());
    }

    @Test
    void denOptionWinsOverDenPathWhichWinsOverTheDefault() throws Exception {
        model(tmp.resolve("m"), "a.txt", "x");
        Path fromEnv = tmp.resolve("env-den");
        Cli.Result viaEnv = Cli.raw(Map.of("DEN4J_PATH", fromEnv.toString()), "push", tmp.resolve("m").toString(),
                "--name", "acme/x");
        assertEquals(0, viaEnv.exit(), viaEnv.toString());
        try (Den den = Den.at(fromEnv)) {
            assertTrue(den.has("acme/x"));
        }
        Path explicit = tmp.resolve("explicit-den");
        Den.at(explicit).close(); // read commands need an existing den
        Cli.Result viaOption = Cli.raw(Map.of("DEN4J_PATH", fromEnv.toString()), "--den", explicit.toString(), "list");
        assertEquals(0, viaOption.exit(), viaOption.toString());
        assertEquals("", viaOption.out());
        assertTrue(viaOption.err().contains("den " + explicit + " holds no models"), viaOption.err());
        Cli.Result afterSubcommand = Cli.raw(Map.of("DEN4J_PATH", explicit.toString()), "list", "--den",
                fromEnv.toString());
        assertTrue(afterSubcommand.out().contains("acme/x@1"), "--den is accepted after the subcommand too");
    }

    @Test
    void typeOptionWinsOverAnInvalidDenType() {
        Den.at(tmp.resolve("d")).close(); // read commands need an existing den
        Cli.Result r = Cli.raw(Map.of("DEN4J_TYPE", "bogus"), "--type", "LOCAL_USER", "--den",
                tmp.resolve("d").toString(), "list");
        assertEquals(0, r.exit(), r.toString());
    }

    @Test
    void largePushDrawsAProgressBarOnStderrOnly() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("big"));
        Files.write(dir.resolve("weights.bin"), new byte[(int) Den.PROGRESS_THRESHOLD + 1024]);
        Cli.Result r = cli.den("push", dir.toString(), "--name", "acme/big");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().trim().matches("acme/big@1 sha256:[0-9a-f]{64}"), r.out());
        assertTrue(r.err().contains("push acme/big [########################] 100%"), r.err());
        Cli.deleteSnapshots(denDir); // so that the fetch hashes every byte, as a first fetch does
        Cli.Result fetch = cli.den("fetch", "acme/big");
        assertEquals(1, fetch.out().lines().count());
        assertTrue(fetch.err().contains("fetch acme/big@1 ["), fetch.err());
    }

    @Test
    void textTableAlignsColumnsWithoutTrailingBlanks() {
        StringWriter s = new StringWriter();
        new TextTable("A", ">N", "C").row("long-cell", 7, null).row("x", 12345, "end").print(new PrintWriter(s));
        assertEquals("""
                A              N  C
                long-cell      7  -
                x          12345  end
                """, s.toString());
    }
}
