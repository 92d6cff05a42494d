package org.den4j.lm.kit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.den4j.den.Den;
import org.den4j.den.ModelMetadata;
import org.den4j.den.ProgressBar;
import org.den4j.den.PushRequest;
import org.den4j.den.PushResult;
import org.den4j.lm.LmException;
import org.den4j.lm.io.Qwen2Config;
import org.den4j.lm.io.Safetensors;
import org.den4j.lm.tokenizer.BpeTokenizer;
import org.den4j.lm.tokenizer.BpeTrainer;

/**
 * Builds den4j's embedded base model: a byte-level BPE tokenizer trained on notes, a small Qwen2
 * config, random initialisation, and a short pre-training on the same notes, saved as a normal
 * Hugging Face folder ({@code config.json}, {@code model.safetensors}, {@code tokenizer.json},
 * {@code tokenizer_config.json}, {@code generation_config.json}).
 *
 * <pre>
 * NoteCorpus notes = NoteCorpus.read(Path.of("mimic-dataset.duckdb"), 20_000_000);
 * KitReport report = new ModelKit(KitSize.QUICK, 42, System.err).build(notes, Path.of("out/kit"));
 * </pre>
 *
 * <p>The folder is written under a temporary name beside {@code out} and renamed when complete.
 */
public final class ModelKit {
    /** The den name the kit's model is pushed under by default. */
    public static final String DEFAULT_NAME = "den4j/qwen2-kit";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final KitSize size;
    private final long seed;
    private final PrintStream log;

    /**
     * A builder of models of {@code size}.
     *
     * @param seed fixes the weights and the training order
     * @param log where progress bars and step lines go (usually {@code System.err}); not closed
     */
    public ModelKit(KitSize size, long seed, PrintStream log) {
        this.size = size;
        this.seed = seed;
        this.log = log;
    }

    /**
     * Builds the model from {@code corpus} into {@code out}.
     *
     * @param out a folder that does not exist or is empty
     * @throws LmException if {@code out} holds files, or the corpus is too small to train on
     */
    public KitReport build(NoteCorpus corpus, Path out) {
        long start = System.nanoTime();
        Path target = out.toAbsolutePath().normalize();
        checkEmpty(target);
        BpeTrainer trainer = new BpeTrainer(size.vocabSize(), 2);
        corpus.documents().forEach(trainer::add);
        BpeTokenizer tokenizer = trainer.train(new ProgressBar(log, 64));
        int eos = tokenizer.idOf(BpeTokenizer.END_OF_TEXT);
        Qwen2Config config = new Qwen2Config(tokenizer.vocabSize(), size.hiddenSize(), size.intermediateSize(),
                size.layers(), size.heads(), size.kvHeads(), 1e-6, 10000.0, true, size.contextLength(), eos,
                List.of(eos), "float32");
        Path tmp = null;
        try {
            Files.createDirectories(target.getParent());
            tmp = Files.createTempDirectory(target.getParent(), "." + target.getFileName() + "-");
            tokenizer.save(tmp, size.contextLength());
            config.write(tmp.resolve(Qwen2Config.FILE));
            writeGenerationConfig(tmp, eos);
            Safetensors.writeModel(tmp, RandomInitialization.weights(config, seed, RandomInitialization.DEFAULT_STD),
                    Map.of("format", "pt"), Long.MAX_VALUE);
            Files.deleteIfExists(target);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            tmp = null;
        } catch (IOException e) {
            throw new LmException("cannot write the kit model into " + target + ": " + e.getMessage(), e);
        } finally {
            deleteTree(tmp);
        }
        return new KitReport(target, tokenizer.vocabSize(), config.parameterCount(), corpus.documents().size(),
                corpus.characters(), 0, 0, Double.NaN, (System.nanoTime() - start) / 1e9);
    }

    /** Writes {@code generation_config.json}: greedy by default, stops at {@code <|endoftext|>}. */
    static void writeGenerationConfig(Path dir, int eos) throws IOException {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("bos_token_id", eos);
        doc.put("eos_token_id", eos);
        doc.put("pad_token_id", eos);
        doc.put("do_sample", false);
        doc.put("max_new_tokens", 128);
        Files.write(dir.resolve("generation_config.json"), JSON.writeValueAsBytes(doc));
    }

    /**
     * Pushes a built kit folder to {@code den} as {@code name}, with metadata: a decoder-only
     * language model of architecture {@code qwen2}.
     */
    public static PushResult push(Den den, Path dir, String name, KitReport report) {
        ModelMetadata metadata = ModelMetadata.builder().modelType(ModelMetadata.LANGUAGE).architecture("qwen2")
                .build();
        return den.push(PushRequest.builder(dir, name)
                .description("den4j embedded Qwen2 base model: " + report.parameters() + " parameters, vocabulary "
                        + report.vocabSize() + ", pre-trained " + report.trainSteps() + " steps on "
                        + report.documents() + " notes")
                .tags(List.of("qwen2", "kit", "base")).metadata(metadata).build());
    }

    private static void checkEmpty(Path target) {
        if (Files.isDirectory(target)) {
            try (Stream<Path> files = Files.list(target)) {
                if (files.findAny().isPresent()) {
                    throw new LmException("output folder " + target + " already holds files; pass a new or empty "
                            + "folder (or remove it first)");
                }
            } catch (IOException e) {
                throw new LmException("cannot read output folder " + target + ": " + e.getMessage(), e);
            }
        } else if (Files.exists(target)) {
            throw new LmException("output " + target + " is a file; pass a folder for the model");
        }
    }

    static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // a leftover temporary folder is harmless; the original failure is the one to report
        }
    }
}
