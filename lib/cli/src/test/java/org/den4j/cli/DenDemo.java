package org.den4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.den4j.den.DataType;
import org.den4j.den.Den;
import org.den4j.den.IoSpec;
import org.den4j.den.ModelInfo;
import org.den4j.den.ModelMetadata;
import org.den4j.den.ProgressBar;
import org.den4j.den.PushRequest;
import org.den4j.den.PushResult;
import org.den4j.den.RegistryQuery;
import org.den4j.den.io.FileTree;

/**
 * A short tour of the den: push a base model, push a fine-tune that names it as parent, list,
 * search, fetch, and print the lineage.
 *
 * <p>The models are small stand-ins (a Qwen2-style {@code config.json}, a tokenizer and random
 * weights), not trained models. Their bytes are fixed, so running the tour again reuses the
 * versions it pushed before instead of making new ones.
 *
 * <pre>{@code
 * try (Den den = Den.open()) {
 *     Path fetched = new DenDemo(new PrintWriter(System.out, true)).run(den);
 * }
 * }</pre>
 */
public final class DenDemo {
    /** The name the base model is pushed under. */
    public static final String BASE = "demo/qwen2-tiny";
    /** The name the fine-tune is pushed under. */
    public static final String FINE_TUNE = "demo/icd-coder-lora";

    private final PrintWriter out;

    /** A tour that prints to {@code out} (not closed). */
    public DenDemo(PrintWriter out) {
        this.out = out;
    }

    /**
     * Runs the tour against {@code den}, building the model folders in a temporary directory that
     * it deletes afterwards.
     *
     * @return the fetched directory of the fine-tune
     * @throws org.den4j.den.DenException when the den refuses a step
     */
    public Path run(Den den) {
        Path work;
        try {
            work = Files.createTempDirectory("den4j-demo");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a temporary directory for the demo models", e);
        }
        try {
            return run(den, work);
        } finally {
            FileTree.deleteQuietly(work);
        }
    }

    private Path run(Den den, Path work) {
        step(1, "push a base model to den " + den.location());
        Path baseDir = baseModel(work.resolve("qwen2-tiny"));
        PushResult base = den.push(PushRequest.builder(baseDir, BASE)
                .description("Tiny Qwen2-style base model (random weights, demo)")
                .tags(List.of("demo", "qwen2")).metadata(metadata(false)).build());
        pushed(base);

        step(2, "push a LoRA fine-tune that names the base as its parent; shared files are stored once");
        Path adapterDir = fineTune(work.resolve("icd-coder-lora"), baseDir);
        PushResult tune = den.push(PushRequest.builder(adapterDir, FINE_TUNE)
                .description("ICD-10 coder LoRA adapter on " + base.model().ref() + " (demo)")
                .tags(List.of("demo", "icd10", "lora")).parent(base.model().ref()).metadata(metadata(true)).build());
        pushed(tune);

        step(3, "list the models of the den");
        ModelListing.print(out, den.list(), false);

        step(4, "search: models tagged icd10 that output text");
        List<ModelInfo> found = den.search(RegistryQuery.builder().tag("icd10").output(DataType.TEXT).build());
        ModelListing.print(out, found, false);

        step(5, "fetch " + tune.model().ref() + ": a local read-only directory, ready to load");
        Path fetched = den.fetch(tune.model().ref());
        out.println(fetched);
        try (Stream<Path> files = Files.walk(fetched)) {
            files.filter(Files::isRegularFile).sorted().forEach(f -> out.println("  " + fetched.relativize(f)));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + fetched, e);
        }

        step(6, "the lineage of " + tune.model().ref());
        out.print(den.tree(tune.model().ref()).render());
        out.println();
        String cmd = "./jbang den " + (den.config().path() == null ? "" : "--den " + den.location() + " ");
        out.println("Done. Try: " + cmd + "show " + tune.model().ref() + "   " + cmd + "tree   " + cmd + "verify");
        out.flush();
        return fetched;
    }

    private void step(int n, String what) {
        out.println();
        out.println("== Step " + n + ": " + what);
        out.flush();
    }

    private void pushed(PushResult r) {
        out.println(r.model().ref() + " sha256:" + r.model().digest());
        out.println(r.alreadyPresent() ? "  already present (same bytes as before), no new version"
                : "  " + ProgressBar.bytes(r.newBytes()) + " new, " + ProgressBar.bytes(r.reusedBytes())
                        + " already in the den");
        out.flush();
    }

    private static ModelMetadata metadata(boolean coder) {
        ModelMetadata.Builder b = ModelMetadata.builder().modelType(ModelMetadata.DECODER_ONLY)
                .architecture("Qwen2ForCausalLM").inputs(List.of(IoSpec.of("prompt", DataType.TEXT)))
                .supportedBackends(List.of("pytorch")).license("apache-2.0");
        return coder ? b.outputs(List.of(IoSpec.of("icd_codes", DataType.TEXT))).extra("adapter", "lora").build()
                : b.outputs(List.of(IoSpec.of("text", DataType.TEXT))).build();
    }

    private static Path baseModel(Path dir) {
        write(dir.resolve("config.json"), """
                {
                  "architectures": ["Qwen2ForCausalLM"],
                  "model_type": "qwen2",
                  "hidden_size": 64,
                  "intermediate_size": 128,
                  "num_attention_heads": 4,
                  "num_hidden_layers": 2,
                  "num_key_value_heads": 2,
                  "vocab_size": 512
                }
                """.getBytes(StandardCharsets.UTF_8));
        write(dir.resolve("tokenizer.json"), """
                {"version": "1.0", "model": {"type": "BPE", "vocab": {}, "merges": []}}
                """.getBytes(StandardCharsets.UTF_8));
        write(dir.resolve("model.safetensors"), randomBytes(256 * 1024, 1));
        return dir;
    }

    private static Path fineTune(Path dir, Path baseDir) {
        try {
            Files.createDirectories(dir);
            // The tokenizer and config are the base model's: the den stores them once.
            Files.copy(baseDir.resolve("tokenizer.json"), dir.resolve("tokenizer.json"));
            Files.copy(baseDir.resolve("config.json"), dir.resolve("config.json"));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot build the demo fine-tune in " + dir, e);
        }
        write(dir.resolve("adapter_config.json"), """
                {"peft_type": "LORA", "r": 8, "lora_alpha": 16, "target_modules": ["q_proj", "v_proj"]}
                """.getBytes(StandardCharsets.UTF_8));
        write(dir.resolve("adapter_model.safetensors"), randomBytes(32 * 1024, 2));
        return dir;
    }

    private static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static void write(Path file, byte[] bytes) {
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write demo file " + file, e);
        }
    }
}
