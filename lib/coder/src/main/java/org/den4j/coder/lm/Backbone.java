package org.den4j.coder.lm;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.den4j.coder.CoderException;
import org.den4j.coder.CoderInputException;
import org.den4j.den.Den;
import org.den4j.lm.LanguageModel;
import org.den4j.lm.LmException;

/**
 * The base model of a language-model coder, opened for use: a {@link LanguageModel} named by a den reference
 * ({@code den4j/tiny-qwen2@3}) or a folder, and its hidden states over notes of any length, computed in chunks
 * (PLM-ICD's segments) and concatenated. The caller closes it.
 */
public final class Backbone implements AutoCloseable {
    private final String reference;
    private final LanguageModel model;
    private final HuggingFaceTokenizer tokenizer;

    private Backbone(String reference, LanguageModel model, HuggingFaceTokenizer tokenizer) {
        this.reference = reference;
        this.model = model;
        this.tokenizer = tokenizer;
    }

    /**
     * Opens {@code base}: a folder when one exists at that path, else a reference fetched from {@code den}
     * (null: the den of the environment, {@code DEN4J_*}).
     *
     * @param device {@code auto}, {@code cpu} or {@code cuda}, passed to lib/lm's {@code Devices}
     * @throws CoderInputException when the base is neither a model folder nor a model in the den
     */
    public static Backbone open(String base, Den den, String device) {
        if (base == null || base.isBlank()) {
            throw new CoderInputException("No base model given; set base to a den reference (den4j/tiny-qwen2) "
                    + "or a Hugging Face model folder");
        }
        Path folder = Path.of(base);
        try {
            if (!Files.isDirectory(folder)) {
                if (den != null) {
                    folder = den.fetch(base);
                } else {
                    try (Den d = Den.open()) {
                        folder = d.fetch(base);
                    }
                }
            }
            LanguageModel lm = LanguageModel.load(folder, device, "float32");
            try {
                return new Backbone(base, lm, wholeNoteTokenizer(folder));
            } catch (RuntimeException e) {
                lm.close();
                throw e;
            }
        } catch (LmException e) {
            throw new CoderInputException("Base model " + base + " cannot be loaded: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            if (e instanceof CoderException) {
                throw e;
            }
            throw new CoderInputException("Base model " + base + " is neither a model folder nor a model in the den "
                    + "(" + e.getMessage() + "); build one with ./jbang lm-kit --push or pass a folder", e);
        }
    }

    /**
     * The folder's tokenizer without truncation: DJL truncates to {@code model_max_length} by default, which would
     * cut every note silently; here a note is kept whole and chunked.
     */
    private static HuggingFaceTokenizer wholeNoteTokenizer(Path folder) {
        Path file = folder.resolve(LanguageModel.TOKENIZER_FILE);
        try {
            return HuggingFaceTokenizer.builder().optTokenizerPath(file).optAddSpecialTokens(false)
                    .optTruncation(false).optPadding(false).build();
        } catch (IOException | RuntimeException e) {
            throw new CoderInputException("Cannot load tokenizer " + file + ": " + e.getMessage(), e);
        }
    }

    /** The base as given (den reference or folder). */
    public String reference() {
        return reference;
    }

    /** The model and its tokenizer. */
    public LanguageModel model() {
        return model;
    }

    /** Width of the hidden states. */
    public int hiddenSize() {
        return model.model().config().hiddenSize();
    }

    /** The longest sequence the model was built for. */
    public int contextLength() {
        return model.model().config().maxPositionEmbeddings();
    }

    /**
     * The end-of-sequence token that closes a completion: the first of {@code eos_token_id} in config.json.
     *
     * @throws CoderInputException when the model names none
     */
    public int endToken() {
        List<Integer> eos = model.model().config().eosTokenIds();
        if (eos == null || eos.isEmpty()) {
            throw new CoderInputException("Base model " + reference + " names no eos_token_id in config.json; a "
                    + "generating coder needs one to end its answers");
        }
        return eos.get(0);
    }

    /** Tokenizes a note in full. */
    public TokenizedNote tokenize(String text) {
        return TokenizedNote.of(tokenizer, text);
    }

    /**
     * The hidden states of every token of {@code note}: its chunks of {@code chunk} tokens run as one batch, and
     * their states concatenated (a token sees only its own chunk).
     *
     * @return (tokens, hidden) float32 on {@code manager}
     */
    public NDArray states(TokenizedNote note, int chunk, NDManager manager) {
        List<int[]> ranges = note.chunks(chunk);
        if (ranges.isEmpty()) {
            throw new CoderInputException("The note has no tokens; give the text of a clinical note to code");
        }
        int rows = ranges.size();
        int width = rows == 1 ? ranges.get(0)[1] : chunk;
        long[] ids = new long[rows * width];
        long[][] mask = new long[rows][width];
        for (int r = 0; r < rows; r++) {
            int[] range = ranges.get(r);
            for (int t = range[0]; t < range[1]; t++) {
                ids[r * width + t - range[0]] = note.ids()[t];
                mask[r][t - range[0]] = 1;
            }
        }
        NDArray input = manager.create(ids, new Shape(rows, width));
        NDArray states = model.model().hiddenStates(input, mask);
        NDArray flat = states.reshape(rows * (long) width, hiddenSize());
        return flat.get(new NDIndex("0:" + note.length()));
    }

    @Override
    public void close() {
        tokenizer.close();
        model.close();
    }
}
