package org.den4j.lm.kit;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.den4j.den.Den;
import org.den4j.den.ModelMetadata;
import org.den4j.den.ProgressBar;
import org.den4j.den.PushRequest;
import org.den4j.den.PushResult;
import org.den4j.den.io.FileTree;
import org.den4j.lm.LmException;
import org.den4j.lm.LmInputException;
import org.den4j.lm.Qwen2Model;
import org.den4j.lm.Trainer;
import org.den4j.lm.TrainerOptions;
import org.den4j.lm.TrainingExample;
import org.den4j.lm.TrainingResult;
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
 * NoteCorpus notes = NoteCorpus.read(Path.of("notes.txt"), 20_000_000);
 * KitReport report = new ModelKit(KitSize.QUICK, 42, System.err).build(notes, Path.of("out/kit"));
 * </pre>
 *
 * <p>The folder is written under a temporary name beside {@code out} and renamed when complete.
 */
public final class ModelKit {
    /** The den name the kit's model is pushed under by default. */
    public static final String DEFAULT_NAME = "den4j/tiny-qwen2";
    /** Peak learning rate of the pre-training (small models from scratch take a large one). */
    static final double PRETRAINING_LEARNING_RATE = 2e-3;
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
        BpeTokenizer tokenizer = trainer.train(new ProgressBar(log, 64, "merges"));
        int eos = tokenizer.idOf(BpeTokenizer.END_OF_TEXT);
        Qwen2Config config = new Qwen2Config(tokenizer.vocabSize(), size.hiddenSize(), size.intermediateSize(),
                size.layers(), size.heads(), size.kvHeads(), 1e-6, 10000.0, true, size.contextLength(), eos,
                List.of(eos), "float32");
        Path tmp = null;
        Path trainDir = null;
        TrainingResult training = null;
        long trainTokens = 0;
        try {
            Files.createDirectories(target.getParent());
            tmp = Files.createTempDirectory(target.getParent(), "." + target.getFileName() + "-");
            tokenizer.save(tmp, size.contextLength());
            config.write(tmp.resolve(Qwen2Config.FILE));
            writeGenerationConfig(tmp, eos);
            Safetensors.writeModel(tmp, RandomInitialization.weights(config, seed, RandomInitialization.DEFAULT_STD),
                    Map.of("format", "pt"), Long.MAX_VALUE);
            if (size.trainSteps() > 0) {
                List<TrainingExample> sequences = sequences(corpus, tokenizer, eos, size.sequenceLength());
                int held = sequences.size() >= 20 ? Math.max(1, sequences.size() / 20) : 0;
                List<TrainingExample> validation = sequences.subList(sequences.size() - held, sequences.size());
                List<TrainingExample> train = sequences.subList(0, sequences.size() - held);
                trainDir = Files.createTempDirectory(target.getParent(), "." + target.getFileName() + "-train-");
                log.printf(java.util.Locale.ROOT, "pre-training %d steps on %d sequences of %d tokens (%d held out)%n",
                        size.trainSteps(), train.size(), size.sequenceLength(), held);
                try (Qwen2Model model = Qwen2Model.load(tmp, Device.cpu(), DataType.FLOAT32)) {
                    TrainerOptions options = TrainerOptions.builder(trainDir).maxSteps(size.trainSteps())
                            .batchSize(size.batchSize()).learningRate(PRETRAINING_LEARNING_RATE).weightDecay(0.01)
                            .warmupSteps(Math.max(1, size.trainSteps() / 10)).scheduler("cosine")
                            .maxLength(size.sequenceLength()).seed(seed).build();
                    training = new Trainer(model, options).train(train, validation);
                }
                trainTokens = (long) training.steps() * size.batchSize() * size.sequenceLength();
                Files.move(trainDir.resolve(Safetensors.MODEL_FILE), tmp.resolve(Safetensors.MODEL_FILE),
                        StandardCopyOption.REPLACE_EXISTING);
                Path metrics = trainDir.resolve("metrics.jsonl");
                if (Files.isRegularFile(metrics)) {
                    Files.move(metrics, tmp.resolve("pretraining_metrics.jsonl"));
                }
            }
            Files.deleteIfExists(target);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            tmp = null;
        } catch (IOException e) {
            throw new LmException("cannot write the kit model into " + target + ": " + e.getMessage(), e);
        } finally {
            FileTree.deleteQuietly(tmp);
            FileTree.deleteQuietly(trainDir);
        }
        return new KitReport(target, tokenizer.vocabSize(), config.parameterCount(), corpus.documents().size(),
                corpus.characters(), training == null ? 0 : training.steps(), trainTokens,
                training == null ? Double.NaN : training.finalLoss(), (System.nanoTime() - start) / 1e9);
    }

    /**
     * The corpus as pre-training sequences: every document's tokens followed by
     * {@code <|endoftext|>}, concatenated and cut into pieces of {@code length} tokens.
     *
     * @throws LmException if the corpus does not fill one sequence
     */
    static List<TrainingExample> sequences(NoteCorpus corpus, BpeTokenizer tokenizer, int eos, int length) {
        List<TrainingExample> out = new ArrayList<>();
        int[] buffer = new int[length];
        int filled = 0;
        for (String doc : corpus.documents()) {
            int[] ids = tokenizer.encode(doc);
            for (int i = 0; i <= ids.length; i++) {
                buffer[filled++] = i < ids.length ? ids[i] : eos;
                if (filled == length) {
                    out.add(TrainingExample.allTokens(buffer.clone()));
                    filled = 0;
                }
            }
        }
        if (out.isEmpty()) {
            throw new LmInputException("corpus " + corpus.source() + " gives fewer than " + length + " tokens; pre-training "
                    + "needs more text (or pass --steps 0 for random weights only)");
        }
        return out;
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
                    throw new LmInputException("output folder " + target + " already holds files; pass a new or empty "
                            + "folder (or remove it first)");
                }
            } catch (IOException e) {
                throw new LmException("cannot read output folder " + target + ": " + e.getMessage(), e);
            }
        } else if (Files.exists(target)) {
            throw new LmInputException("output " + target + " is a file; pass a folder for the model");
        }
    }
}
