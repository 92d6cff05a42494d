package org.den4j.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./jbang den} and {@code ./jbang pipeline} as a user runs them, against a temporary den
 * given with {@code --den}. The commands' own behaviour is tested in-process in lib/cli; these
 * runs check what only a real launch shows: stdout carries nothing but the command's output, and
 * exit codes reach the shell. Each launch costs a JVM start, so the runs are few.
 */
class DenScriptTest {
    private static final Pattern PUSHED = Pattern.compile("(\\S+@\\d+) sha256:([0-9a-f]{64})\n");

    @TempDir
    Path tmp;

    private Jbang.Result den(Path denDir, String... args) {
        List<String> all = new java.util.ArrayList<>(List.of("den", "--den", denDir.toString()));
        all.addAll(List.of(args));
        // DEN4J_PATH points elsewhere: --den must win, and the user's own den is never touched.
        return Jbang.inRepo().withEnv("DEN4J_PATH", tmp.resolve("not-this-den").toString()).withEnv("DEN4J_TYPE", null)
                .run(all);
    }

    private static Jbang.Result ok(Jbang.Result r) {
        assertEquals(0, r.exitCode(), r::toString);
        return r;
    }

    @Test
    void denPushListFetchShowAliasSearchTreeVerifyRm() throws Exception {
        Path denDir = tmp.resolve("den");
        Path base = Files.createDirectories(tmp.resolve("base"));
        Files.writeString(base.resolve("config.json"), "{\"model_type\":\"qwen2\"}");
        Files.write(base.resolve("model.safetensors"), new byte[4096]);
        Path coder = Files.createDirectories(tmp.resolve("coder"));
        Files.writeString(coder.resolve("adapter_config.json"), "{\"peft_type\":\"LORA\"}");

        Jbang.Result push = ok(den(denDir, "push", base.toString(), "--name", "e2e/base", "--tag", "e2e",
                "--description", "end-to-end base"));
        Matcher pushed = PUSHED.matcher(push.stdout());
        assertTrue(pushed.matches(), push::toString);
        assertEquals("e2e/base@1", pushed.group(1));
        String digest = pushed.group(2);
        ok(den(denDir, "push", coder.toString(), "--name", "e2e/coder", "--parent", "e2e/base@1", "--tag", "e2e"));

        Jbang.Result list = ok(den(denDir, "list", "--json"));
        assertTrue(list.stdout().startsWith("["), list::toString);
        assertTrue(list.stdout().contains("\"name\" : \"e2e/base\""), list::toString);
        assertTrue(list.stdout().contains("\"digest\" : \"" + digest + "\""), list::toString);
        assertTrue(list.stdout().contains("\"parent\" : \"" + digest + "\""), "the coder names the base as parent");

        Jbang.Result fetch = ok(den(denDir, "fetch", "e2e/base"));
        assertTrue(fetch.stdout().endsWith("\n") && fetch.stdout().lines().count() == 1,
                () -> "stdout must be exactly one line, the path:\n" + fetch);
        Path dir = Path.of(fetch.stdout().strip());
        assertTrue(dir.isAbsolute(), fetch::toString);
        assertEquals("{\"model_type\":\"qwen2\"}", Files.readString(dir.resolve("config.json")));

        ok(den(denDir, "alias", "e2e/base", "prod", "1"));
        Jbang.Result show = ok(den(denDir, "show", "e2e/base@prod"));
        assertTrue(show.stdout().startsWith("e2e/base@1\n"), show::toString);
        assertTrue(show.stdout().contains("sha256:" + digest), show::toString);
        assertTrue(show.stdout().matches("(?s).*aliases\\s+prod\n.*"), show::toString);

        Jbang.Result search = ok(den(denDir, "search", "--tag", "e2e", "--latest"));
        assertEquals(3, search.stdout().lines().count(), search::toString);

        Jbang.Result tree = ok(den(denDir, "tree"));
        assertTrue(tree.stdout().matches("e2e/base@1  [0-9a-f]{12}  end-to-end base\n└── e2e/coder@1  [0-9a-f]{12}\n"),
                tree::toString);

        Jbang.Result verify = ok(den(denDir, "verify"));
        assertTrue(verify.stdout().startsWith("OK: 2 model(s), 3 file(s)"), verify::toString);

        Jbang.Result rm = ok(den(denDir, "rm", "e2e/coder@1"));
        assertTrue(rm.stdout().startsWith("deleted e2e/coder@1 sha256:"), rm::toString);

        Jbang.Result unknown = den(denDir, "fetch", "e2e/coder");
        assertEquals(2, unknown.exitCode(), unknown::toString);
        assertEquals("", unknown.stdout(), unknown::toString);
        assertTrue(unknown.stderr().contains("den: No model named 'e2e/coder' in den " + denDir), unknown::toString);
        assertTrue(Files.notExists(tmp.resolve("not-this-den")), "--den wins over DEN4J_PATH");
    }

    @Test
    void pipelineRunsTheMainJobEndToEndAndPushesBothModels() throws Exception {
        Path denDir = tmp.resolve("den");
        Path work = tmp.resolve("work");
        Jbang.Result r = ok(Jbang.inRepo().withTimeout(java.time.Duration.ofMinutes(8)).run("pipeline", "--den",
                denDir.toString(), "--work-dir", work.toString(), "--patients", "40", "--train-steps", "2",
                "--eval-notes", "1"));
        for (String step : List.of("synthetic MIMIC-IV", "MIMIC into DuckDB", "embedded base model", "token sets",
                "LoRA fine-tune", "scored on held-out notes", "pushed to the den")) {
            assertTrue(r.stdout().contains("\n" + step) || r.stdout().startsWith(step), step + ": " + r);
        }
        assertTrue(r.stdout().contains("lineage:\nden4j/tiny-qwen2@1  "), r::toString);
        assertTrue(r.stdout().contains("── den4j/icd-coder-lora@1  "), r::toString);
        // The coders: one table, each pushed as a version of den4j/icd-coder, the champion alias set, and the
        // label-attention coder in the base's lineage.
        for (String coder : List.of("\nlinear ", "\nnaive-bayes ", "\nlm-label-attention ")) {
            assertTrue(r.stdout().contains(coder), coder + ": " + r);
        }
        assertTrue(r.stdout().contains("den4j/icd-coder@champion = den4j/icd-coder@"), r::toString);
        assertTrue(r.stdout().contains("── den4j/icd-coder@3  "), r::toString);
        assertTrue(Files.isRegularFile(work.resolve("icd-coder-lora/adapter_model.safetensors")), r::toString);
        assertTrue(Files.isRegularFile(work.resolve("data/mimic-dataset.duckdb")), r::toString);
    }

    @Test
    void pipelineRefusesAnUnknownModelSize() {
        Jbang.Result r = Jbang.inRepo().run("pipeline", "--no-push", "--work-dir", tmp.resolve("w").toString(),
                "--size", "huge");
        assertEquals(2, r.exitCode(), r::toString);
        assertTrue(r.stderr().contains("--size huge is unknown; use quick, small or coder"), r::toString);
    }
}
