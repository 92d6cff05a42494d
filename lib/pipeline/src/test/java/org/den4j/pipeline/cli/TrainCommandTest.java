package org.den4j.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.den4j.den.Den;
import org.den4j.den.PushRequest;
import org.den4j.serve.den.DenServer;
import org.den4j.lm.kit.KitSize;
import org.den4j.lm.kit.ModelKit;
import org.den4j.lm.kit.NoteCorpus;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code train} in process on the embedded kit's quick model (no pre-training) and prompt/completion pairs. */
class TrainCommandTest {
    @TempDir
    static Path tmp;
    static Path model;
    static Path pairs;

    @BeforeAll
    static void modelAndPairs() throws Exception {
        List<String> notes = new ArrayList<>();
        StringBuilder lines = new StringBuilder();
        String[][] cases = {{"chest pain and hypertension", "I10"}, {"type 2 diabetes with ketoacidosis", "E11.10"},
            {"community acquired pneumonia", "J18.9"}, {"atrial fibrillation on warfarin", "I48.91, Z79.01"}};
        for (int i = 0; i < 40; i++) {
            String[] c = cases[i % cases.length];
            notes.add("Discharge summary. Patient admitted with " + c[0] + ". Plan: follow up in clinic.");
            lines.append("{\"prompt\": \"Predict the medical codes for the following text: ").append(c[0])
                    .append("\", \"completion\": \"").append(c[1]).append("\"}\n");
        }
        Path corpus = Files.writeString(tmp.resolve("notes.txt"), String.join("\n\n", notes));
        model = tmp.resolve("kit");
        new ModelKit(KitSize.QUICK.withTrainSteps(0), 7, new PrintStream(PrintStream.nullOutputStream()))
                .build(NoteCorpus.read(corpus, 1_000_000), model);
        pairs = Files.writeString(tmp.resolve("pairs.jsonl"), lines);
    }

    private record Run(int exit, String out, String err) {
    }

    private static Run train(String... args) {
        return train(System.getenv(), args);
    }

    private static Run train(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = TrainCommand.commandLine(env);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void trainsAnAdapterOnPairsAndPrintsTheOutputFolder() {
        Path out = tmp.resolve("adapter");
        Run r = train("--config", tmp.resolve("no-such-config-uses-nothing.yaml").toString(), "--model",
                model.toString(), "--pairs", pairs.toString(), "--max-steps", "2", "--device", "cpu", "-o",
                out.toString());
        // a missing configuration file is bad input, named
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("no-such-config-uses-nothing.yaml"), r.toString());

        Path config = tmp.resolve("train.yaml");
        Run ok;
        try {
            Files.writeString(config, "training:\n  batch_size: 2\n  warmup_steps: 0\n");
            ok = train("--config", config.toString(), "--model", model.toString(), "--pairs", pairs.toString(),
                    "--max-steps", "2", "--device", "cpu", "-o", out.toString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        assertEquals(0, ok.exit(), ok.toString());
        assertEquals(out + System.lineSeparator(), ok.out(), ok.toString());
        assertTrue(ok.err().contains("train: 2 steps, final loss"), ok.toString());
        assertTrue(Files.isRegularFile(out.resolve("adapter_model.safetensors")), ok.toString());
        assertTrue(Files.isRegularFile(out.resolve("adapter_config.json")), ok.toString());
    }

    @Test
    void anUnknownConfigurationKeyIsBadInputNamingTheKey() throws Exception {
        Path config = Files.writeString(tmp.resolve("bad.yaml"), "training:\n  learning_rat: 0.1\n");
        Run r = train("--config", config.toString(), "--model", model.toString(), "--pairs", pairs.toString(), "-o",
                tmp.resolve("never").toString());
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("learning_rat"), r.toString());
        assertTrue(Files.notExists(tmp.resolve("never")), r.toString());
    }

    @Test
    void trainAndTrainCoderRefuseAModelOfADenServerThatForbidsLocalFineTuning() throws Exception {
        Path served = tmp.resolve("served");
        try (Den den = Den.at(served)) {
            den.push(PushRequest.builder(model, "acme/kit").build());
        }
        Path config = Files.writeString(tmp.resolve("policy.yaml"), "training:\n  batch_size: 2\n  warmup_steps: 0\n");
        try (DenServer server = DenServer.builder(served).start()) {
            Map<String, String> env = Map.of("DEN4J_TYPE", "http", "DEN4J_REMOTE_HOST", server.url().toString(),
                    "DEN4J_LOCAL_CACHE_PATH", tmp.resolve("cache").toString());
            Path out = tmp.resolve("refused");
            Run r = train(env, "--config", config.toString(), "--model", "acme/kit@1", "--pairs", pairs.toString(),
                    "--max-steps", "1", "--device", "cpu", "-o", out.toString());
            assertEquals(2, r.exit(), r.toString());
            assertEquals("train: Cannot fine-tune acme/kit@1 here: den server " + server.url() + " does not allow its "
                    + "models to be fine-tuned locally (it runs with DEN4J_REMOTE_ALLOW_LOCAL_FINE_TUNE=false). Ask its "
                    + "operator to restart it with --allow-local-fine-tune, or train a model of a local den"
                    + System.lineSeparator(), r.err());
            assertTrue(Files.notExists(out), "no training work started");

            // train-coder makes the same check before it reads a note (the database does not even exist).
            StringWriter coderOut = new StringWriter();
            StringWriter coderErr = new StringWriter();
            CommandLine coder = org.den4j.coder.cli.TrainCoderCommand.commandLine(null, env);
            coder.setOut(new PrintWriter(coderOut, true));
            coder.setErr(new PrintWriter(coderErr, true));
            Path coderFolder = tmp.resolve("coder");
            int exit = coder.execute("--coder", "lm-generate", "--set", "base=acme/kit@1", "--database",
                    tmp.resolve("no-such.duckdb").toString(), "--output-dir", coderFolder.toString());
            assertEquals(2, exit, coderErr.toString());
            assertEquals(r.err().replaceFirst("^train: ", "train-coder: "), coderErr.toString());
            assertTrue(Files.notExists(coderFolder), "no coder training started");
            try (var files = Files.walk(tmp.resolve("cache"))) {
                assertEquals(List.of(), files.filter(f -> f.getFileName().toString().equals("config.json")).toList(),
                        "nothing fetched");
            }
        }
        try (DenServer server = DenServer.builder(served).allowLocalFineTune(true).start()) {
            Map<String, String> env = Map.of("DEN4J_TYPE", "http", "DEN4J_REMOTE_HOST", server.url().toString(),
                    "DEN4J_LOCAL_CACHE_PATH", tmp.resolve("cache").toString());
            Path out = tmp.resolve("allowed");
            Run r = train(env, "--config", config.toString(), "--model", "acme/kit@1", "--pairs", pairs.toString(),
                    "--max-steps", "1", "--device", "cpu", "-o", out.toString());
            assertEquals(0, r.exit(), r.toString());
            assertTrue(Files.isRegularFile(out.resolve("adapter_model.safetensors")), r.toString());
        }
    }
}
