package org.den4j.lm;

import ai.djl.Device;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.den4j.den.io.FileTree;
import org.den4j.lm.io.DType;
import org.den4j.lm.io.Qwen2Config;

/**
 * A Hugging Face model folder loaded for use: a {@link Qwen2Model} and its tokenizer.
 *
 * <pre>
 * try (LanguageModel lm = LanguageModel.load(Path.of("models/tiny"))) {
 *     String text = lm.generate("The patient", GenerationConfig.greedy(32));
 * }
 * </pre>
 *
 * <p>The folder holds {@code config.json}, {@code model.safetensors} (or a sharded index) and
 * {@code tokenizer.json}. The caller closes it, which frees the weights and the tokenizer.
 */
public final class LanguageModel implements AutoCloseable {
    /** The tokenizer file of a model folder. */
    public static final String TOKENIZER_FILE = "tokenizer.json";
    /** Files copied with the tokenizer when a model is saved, when present. */
    private static final List<String> TOKENIZER_EXTRAS = List.of("tokenizer_config.json", "special_tokens_map.json",
            "generation_config.json", "chat_template.jinja");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final Qwen2Model model;
    private final HuggingFaceTokenizer tokenizer;

    /**
     * Wraps an open model and tokenizer; both are closed with this.
     *
     * @param dir the folder holding {@code tokenizer.json} (and its companions), copied by {@link #save}
     */
    public LanguageModel(Path dir, Qwen2Model model, HuggingFaceTokenizer tokenizer) {
        this.dir = dir;
        this.model = model;
        this.tokenizer = tokenizer;
    }

    /** Loads {@code dir} on the automatic device and precision. */
    public static LanguageModel load(Path dir) {
        return load(dir, "auto", "auto");
    }

    /**
     * Loads {@code dir}.
     *
     * @param device {@code auto}, {@code cpu}, {@code cuda}, {@code cuda:N} or {@code mps}
     * @param precision {@code auto}, {@code float32} or {@code float16}
     * @throws ModelFileException when a file is missing or malformed, or the tokenizer's
     *     vocabulary is larger than the model's
     * @throws DeviceNotAvailableException when the device or precision is not available
     */
    public static LanguageModel load(Path dir, String device, String precision) {
        Path tokenizerFile = dir.resolve(TOKENIZER_FILE);
        if (!Files.isRegularFile(tokenizerFile)) {
            throw new ModelFileException(tokenizerFile, null, "Model folder " + dir + " has no " + TOKENIZER_FILE
                    + "; save the tokenizer with the model (tokenizer.save_pretrained)");
        }
        Qwen2Config config = Qwen2Config.read(dir);
        checkVocabulary(tokenizerFile, config);
        Device d = Devices.resolve(device);
        DataType type = Devices.precision(precision, d);
        Qwen2Model model = Qwen2Model.load(dir, d, type);
        try {
            return new LanguageModel(dir, model, openTokenizer(tokenizerFile));
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /**
     * Opens {@code tokenizer.json} with DJL's Hugging Face tokenizers.
     *
     * @throws ModelFileException when it cannot be parsed
     */
    public static HuggingFaceTokenizer openTokenizer(Path tokenizerFile) {
        try {
            return HuggingFaceTokenizer.newInstance(tokenizerFile, Map.of("addSpecialTokens", "true"));
        } catch (IOException | RuntimeException e) {
            throw new ModelFileException(tokenizerFile, null, "Cannot load tokenizer " + tokenizerFile + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * Checks that every id of {@code tokenizer.json} (vocabulary and added tokens) is below the
     * model's {@code vocab_size}.
     *
     * @throws ModelFileException naming both files when it is not
     */
    public static void checkVocabulary(Path tokenizerFile, Qwen2Config config) {
        JsonNode root;
        try {
            root = JSON.readTree(tokenizerFile.toFile());
        } catch (IOException e) {
            throw new ModelFileException(tokenizerFile, null, "Tokenizer " + tokenizerFile + " is not valid JSON: "
                    + e.getMessage(), e);
        }
        long maxId = -1;
        JsonNode vocab = root.path("model").path("vocab");
        if (vocab.isObject()) {
            for (JsonNode id : (Iterable<JsonNode>) vocab::elements) {
                maxId = Math.max(maxId, id.asLong());
            }
        } else if (vocab.isArray()) {
            maxId = vocab.size() - 1;
        }
        for (JsonNode added : root.path("added_tokens")) {
            maxId = Math.max(maxId, added.path("id").asLong());
        }
        if (maxId >= config.vocabSize()) {
            throw new ModelFileException(tokenizerFile, "vocab_size", "Tokenizer " + tokenizerFile + " has token id "
                    + maxId + " but the model's config.json has vocab_size " + config.vocabSize()
                    + "; the tokenizer belongs to another model (use the tokenizer.json saved with these weights)");
        }
    }

    /** The folder this was loaded from, whose tokenizer files {@link #save} copies. */
    public Path dir() {
        return dir;
    }

    /** The network. */
    public Qwen2Model model() {
        return model;
    }

    /** The tokenizer. */
    public HuggingFaceTokenizer tokenizer() {
        return tokenizer;
    }

    /** Token ids of {@code text}, with the special tokens the tokenizer adds. */
    public int[] encode(String text) {
        long[] ids = tokenizer.encode(text, true, false).getIds();
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = (int) ids[i];
        }
        return out;
    }

    /** Text of {@code ids}, special tokens skipped. */
    public String decode(int[] ids) {
        long[] l = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            l[i] = ids[i];
        }
        return tokenizer.decode(l, true);
    }

    /** A generator that decodes with this model's tokenizer (for stop strings). */
    public Generator newGenerator() {
        return new Generator(model, this::decode);
    }

    /** The text generated after {@code prompt} (cut before a stop string). */
    public String generate(String prompt, GenerationConfig config) {
        return generate(List.of(prompt), config).get(0);
    }

    /** The texts generated after each prompt, as one left-padded batch. */
    public List<String> generate(List<String> prompts, GenerationConfig config) {
        List<int[]> encoded = new ArrayList<>();
        for (String p : prompts) {
            encoded.add(encode(p));
        }
        List<String> out = new ArrayList<>();
        for (int[] ids : newGenerator().generate(encoded, config)) {
            String text = decode(ids);
            for (String stop : config.stopStrings()) {
                int at = text.indexOf(stop);
                if (at >= 0) {
                    text = text.substring(0, at);
                }
            }
            out.add(text);
        }
        return out;
    }

    /**
     * Writes a Hugging Face folder: {@code config.json}, {@code model.safetensors} (weights as
     * {@code fileType}, an attached adapter not included: merge it first) and the tokenizer files.
     * The folder is written beside {@code target} and moved into place, replacing nothing: the
     * target must not exist.
     *
     * @throws LmException when {@code target} exists or cannot be written
     */
    public void save(Path target, DType fileType) {
        if (Files.exists(target)) {
            throw new LmInputException("Cannot save the model to " + target + ": it exists; choose a new folder");
        }
        Path parent = target.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            Files.createDirectories(parent);
            tmp = Files.createTempDirectory(parent, "." + target.getFileName() + ".");
            model.save(tmp, fileType, 4L << 30);
            if (dir != null) {
                Files.copy(dir.resolve(TOKENIZER_FILE), tmp.resolve(TOKENIZER_FILE));
                for (String extra : TOKENIZER_EXTRAS) {
                    if (Files.isRegularFile(dir.resolve(extra))) {
                        Files.copy(dir.resolve(extra), tmp.resolve(extra));
                    }
                }
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            FileTree.deleteQuietly(tmp);
            throw new LmException("Cannot save the model to " + target + ": " + e, e);
        }
    }

    @Override
    public void close() {
        try {
            tokenizer.close();
        } finally {
            model.close();
        }
    }
}
