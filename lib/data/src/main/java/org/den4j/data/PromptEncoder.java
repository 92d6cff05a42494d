package org.den4j.data;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Turns a note and its codes into one tokenized training example: the prompt (the template with the note),
 * then the completion (the codes, comma-separated, followed by the tokenizer's end-of-sequence token when it
 * has one). When the example is longer than {@code maxLength} tokens the note is cut at a token boundary, so
 * the completion always survives.
 *
 * <p>Prompt and completion are tokenized separately, without special tokens; {@code input_ids} are the
 * prompt's tokens followed by the completion's. Thread-safe: {@link #encode} may be called from many threads,
 * and each thread gets its own tokenizer instance (measured: threads sharing one DJL tokenizer barely run in
 * parallel). Closing it closes every instance.
 *
 * <pre>{@code
 * try (PromptEncoder encoder = PromptEncoder.open(Path.of("model/tokenizer.json"), config.data())) {
 *     PromptEncoder.Example e = encoder.encode(1L, "HTN, DM2.", List.of("401.9", "250.00"));
 * }
 * }</pre>
 */
public final class PromptEncoder implements AutoCloseable {
    private static final List<String> EOS_CANDIDATES = List.of("<|endoftext|>", "</s>", "<|im_end|>", "<eos>");

    private static final Map<String, String> OPTIONS = Map.of("addSpecialTokens", "false", "truncation", "false",
            "padding", "false");

    private final Path tokenizerFile;
    private final java.util.Queue<HuggingFaceTokenizer> instances = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final ThreadLocal<HuggingFaceTokenizer> perThread;
    private final String template;
    private final int maxLength;
    private final String eosToken;

    private PromptEncoder(HuggingFaceTokenizer first, Path tokenizerFile, String template, int maxLength,
            String eosToken) {
        instances.add(first);
        this.perThread = ThreadLocal.withInitial(() -> {
            HuggingFaceTokenizer t = load(tokenizerFile);
            instances.add(t);
            return t;
        });
        this.perThread.set(first);
        this.tokenizerFile = tokenizerFile;
        this.template = template;
        this.maxLength = maxLength;
        this.eosToken = eosToken;
    }

    /**
     * One example.
     *
     * @param hadmId the admission
     * @param inputIds prompt tokens then completion tokens
     * @param labelMask 1 for completion tokens
     * @param promptText the prompt as tokenized, after any cut
     * @param completionText the completion as tokenized
     * @param truncated whether the note was cut
     * @param promptTokensBeforeCut the prompt's length before any cut
     */
    public record Example(long hadmId, int[] inputIds, int[] labelMask, String promptText, String completionText,
            boolean truncated, int promptTokensBeforeCut) {
    }

    /**
     * Opens a {@code tokenizer.json} (or the folder holding it) for prompts built from {@code data}'s template
     * and maximum length.
     *
     * @throws DataException when the file is missing or is not a tokenizer
     */
    public static PromptEncoder open(Path tokenizer, TrainingConfig.Data data) {
        return open(tokenizer, data.promptTemplate(), data.maxLength());
    }

    /**
     * Opens a {@code tokenizer.json} (or the folder holding it).
     *
     * @param template the prompt with {@code {note}} where the note goes
     * @param maxLength the longest example in tokens
     * @throws DataException when the file is missing or is not a tokenizer
     */
    public static PromptEncoder open(Path tokenizer, String template, int maxLength) {
        Objects.requireNonNull(tokenizer, "tokenizer");
        if (!template.contains(TrainingConfig.Data.NOTE_PLACEHOLDER)) {
            throw new DataInputException("Prompt template \"" + template + "\" has no {note} placeholder");
        }
        Path file = Files.isDirectory(tokenizer) ? tokenizer.resolve("tokenizer.json") : tokenizer;
        if (!Files.isRegularFile(file)) {
            throw new DataInputException("Tokenizer " + file + " does not exist; pass --tokenizer with a tokenizer.json "
                    + "(or the model folder that holds one)");
        }
        return new PromptEncoder(load(file), file, template, maxLength, eosToken(file));
    }

    private static HuggingFaceTokenizer load(Path file) {
        try {
            return HuggingFaceTokenizer.newInstance(file, OPTIONS);
        } catch (IOException | RuntimeException e) {
            throw new DataInputException("Tokenizer " + file + " cannot be loaded: " + e.getMessage() + "; it must be a "
                    + "Hugging Face tokenizer.json", e);
        }
    }

    /** The end-of-sequence token: tokenizer_config.json's eos_token, else a known special token, else null. */
    private static String eosToken(Path file) {
        ObjectMapper json = new ObjectMapper();
        Path config = file.resolveSibling("tokenizer_config.json");
        try {
            if (Files.isRegularFile(config)) {
                JsonNode eos = json.readTree(config.toFile()).get("eos_token");
                if (eos != null && eos.isTextual()) {
                    return eos.asText();
                }
                if (eos != null && eos.has("content")) {
                    return eos.get("content").asText();
                }
            }
            JsonNode added = json.readTree(file.toFile()).get("added_tokens");
            if (added != null) {
                for (String candidate : EOS_CANDIDATES) {
                    for (JsonNode t : added) {
                        if (candidate.equals(t.path("content").asText()) && t.path("special").asBoolean(false)) {
                            return candidate;
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new DataException("Cannot read " + file + " or its tokenizer_config.json: " + e.getMessage(), e);
        }
        return null;
    }

    /** The tokenizer file. */
    public Path tokenizerFile() {
        return tokenizerFile;
    }

    /** The end-of-sequence token appended to completions, or null when the tokenizer has none. */
    public String eosToken() {
        return eosToken;
    }

    /** The longest example, in tokens. */
    public int maxLength() {
        return maxLength;
    }

    /** The completion text for codes: comma-separated, then the end-of-sequence token if any. */
    public String completion(List<String> codes) {
        return String.join(", ", codes) + (eosToken == null ? "" : eosToken);
    }

    /** The prompt token ids for a note, cut like a training example's with room for {@code reserve} tokens. */
    public int[] promptIds(String note, int reserve) {
        return cutPrompt(note, maxLength - reserve).ids;
    }

    private record Cut(int[] ids, String text, boolean truncated, int before) {
    }

    private Cut cutPrompt(String note, int budget) {
        HuggingFaceTokenizer tokenizer = perThread.get();
        String prompt = template.replace(TrainingConfig.Data.NOTE_PLACEHOLDER, note);
        Encoding e = tokenizer.encode(prompt, false, false);
        long[] ids = e.getIds();
        if (ids.length <= budget) {
            return new Cut(toInts(ids, ids.length), prompt, false, ids.length);
        }
        int at = template.indexOf(TrainingConfig.Data.NOTE_PLACEHOLDER);
        String suffix = template.substring(at + TrainingConfig.Data.NOTE_PLACEHOLDER.length());
        long[] suffixIds = suffix.isEmpty() ? new long[0] : tokenizer.encode(suffix, false, false).getIds();
        int keep = Math.max(0, budget - suffixIds.length);
        CharSpan[] spans = e.getCharTokenSpans();
        int cutAt = 0;
        for (int i = keep - 1; i >= 0; i--) {
            if (spans[i] != null) {
                cutAt = spans[i].getEnd();
                break;
            }
        }
        // Never cut into the suffix: the note is what gets shorter.
        cutAt = Math.min(cutAt, at + note.length());
        int[] out = new int[keep + suffixIds.length];
        for (int i = 0; i < keep; i++) {
            out[i] = (int) ids[i];
        }
        for (int i = 0; i < suffixIds.length; i++) {
            out[keep + i] = (int) suffixIds[i];
        }
        return new Cut(out, prompt.substring(0, cutAt) + suffix, true, ids.length);
    }

    private static int[] toInts(long[] ids, int n) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = (int) ids[i];
        }
        return out;
    }

    /**
     * Encodes one example, or returns null when the completion alone does not fit in {@code maxLength} with at
     * least one prompt token.
     */
    public Example encode(long hadmId, String note, List<String> codes) {
        String completion = completion(codes);
        long[] completionIds = perThread.get().encode(completion, false, false).getIds();
        int budget = maxLength - completionIds.length;
        if (budget < 1) {
            return null;
        }
        Cut prompt = cutPrompt(note, budget);
        int n = prompt.ids.length + completionIds.length;
        int[] ids = new int[n];
        int[] labels = new int[n];
        System.arraycopy(prompt.ids, 0, ids, 0, prompt.ids.length);
        for (int i = 0; i < completionIds.length; i++) {
            ids[prompt.ids.length + i] = (int) completionIds[i];
            labels[prompt.ids.length + i] = 1;
        }
        return new Example(hadmId, ids, labels, prompt.text, completion, prompt.truncated, prompt.before);
    }

    @Override
    public void close() {
        HuggingFaceTokenizer t;
        while ((t = instances.poll()) != null) {
            t.close();
        }
    }
}
