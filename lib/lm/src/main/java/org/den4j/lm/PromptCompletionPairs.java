package org.den4j.lm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads prompt/completion pairs from a JSON-lines file and tokenizes them into training examples.
 *
 * <p>Each line is {@code {"prompt": "...", "completion": "..."}}. The prompt is encoded with the
 * tokenizer's special tokens, the completion without, then the model's first end-of-sequence
 * token is appended so the model learns to stop. An example longer than {@code maxLength} loses
 * the end of its prompt; the completion is kept whole (cut only when it alone is too long).
 */
public final class PromptCompletionPairs {
    private static final ObjectMapper JSON = new ObjectMapper();

    private PromptCompletionPairs() {
    }

    /**
     * The examples of {@code file}, tokenized with {@code lm}'s tokenizer.
     *
     * @throws ModelFileException naming the file and line when a line is not a pair
     */
    public static List<TrainingExample> read(Path file, LanguageModel lm, int maxLength) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (NoSuchFileException e) {
            throw new ModelFileException(file, null, "Pairs file " + file + " does not exist", e);
        } catch (IOException e) {
            throw new ModelFileException(file, null, "Cannot read pairs file " + file + ": " + e, e);
        }
        List<Integer> eos = lm.model().config().eosTokenIds();
        List<TrainingExample> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            JsonNode node;
            try {
                node = JSON.readTree(line);
            } catch (IOException e) {
                throw new ModelFileException(file, "line " + (i + 1), "Pairs file " + file + " line " + (i + 1)
                        + " is not JSON: " + e.getMessage(), e);
            }
            if (node == null || !node.path("prompt").isTextual() || !node.path("completion").isTextual()) {
                throw new ModelFileException(file, "line " + (i + 1), "Pairs file " + file + " line " + (i + 1)
                        + " needs string fields \"prompt\" and \"completion\"");
            }
            int[] prompt = lm.encode(node.get("prompt").asText());
            long[] raw = lm.tokenizer().encode(node.get("completion").asText(), false, false).getIds();
            int[] completion = new int[raw.length + (eos.isEmpty() ? 0 : 1)];
            for (int j = 0; j < raw.length; j++) {
                completion[j] = (int) raw[j];
            }
            if (!eos.isEmpty()) {
                completion[raw.length] = eos.get(0);
            }
            if (completion.length >= maxLength) {
                completion = Arrays.copyOf(completion, maxLength - 1);
            }
            int keep = Math.min(prompt.length, maxLength - completion.length);
            out.add(TrainingExample.completion(Arrays.copyOf(prompt, Math.max(1, keep)), completion));
        }
        if (out.isEmpty()) {
            throw new ModelFileException(file, null, "Pairs file " + file + " holds no pairs");
        }
        return out;
    }
}
