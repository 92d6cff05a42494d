package org.den4j.data;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes a word-level Hugging Face {@code tokenizer.json} from sample texts: lower-cased words and punctuation
 * (BERT pre-tokenization), the most frequent ones in the vocabulary, {@code [UNK]} for the rest, and
 * {@code <|endoftext|>} as end of sequence.
 *
 * <p>For demos and benchmarks that need a tokenizer when no model is at hand; a real model's byte-level BPE
 * tokenizer (from its folder or the den) is what training uses. It does not write merges, byte fallback or a
 * decoder.
 */
public final class WordLevelTokenizer {
    private static final Pattern WORD = Pattern.compile("\\p{L}+|\\p{N}|[^\\p{L}\\p{N}\\s]");

    private WordLevelTokenizer() {
    }

    /**
     * Writes {@code tokenizer.json} into {@code folder} (created if missing) with up to {@code vocabSize} tokens
     * and returns its path.
     *
     * @throws DataException when the folder cannot be written
     */
    public static Path write(Path folder, Iterable<String> texts, int vocabSize) {
        Map<String, Integer> counts = new HashMap<>();
        for (String text : texts) {
            Matcher m = WORD.matcher(text.toLowerCase(Locale.ROOT));
            while (m.find()) {
                counts.merge(m.group(), 1, Integer::sum);
            }
        }
        List<Map.Entry<String, Integer>> ranked = new ArrayList<>(counts.entrySet());
        ranked.sort(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        String[] special = {"[UNK]", "<|endoftext|>"};
        for (int i = 0; i < special.length; i++) {
            added.addObject().put("id", i).put("content", special[i]).put("single_word", false).put("lstrip", false)
                    .put("rstrip", false).put("normalized", false).put("special", true);
        }
        root.putObject("normalizer").put("type", "Lowercase");
        root.putObject("pre_tokenizer").put("type", "BertPreTokenizer");
        root.putNull("post_processor");
        root.putNull("decoder");
        ObjectNode model = root.putObject("model");
        model.put("type", "WordLevel");
        ObjectNode vocab = model.putObject("vocab");
        vocab.put("[UNK]", 0);
        vocab.put("<|endoftext|>", 1);
        int id = 2;
        for (Map.Entry<String, Integer> e : ranked) {
            if (id >= vocabSize) {
                break;
            }
            vocab.put(e.getKey(), id++);
        }
        model.put("unk_token", "[UNK]");
        try {
            Files.createDirectories(folder);
            Path file = folder.resolve("tokenizer.json");
            Path tmp = folder.resolve("tokenizer.json.tmp");
            json.writeValue(tmp.toFile(), root);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            return file;
        } catch (IOException e) {
            throw new DataException("Cannot write tokenizer.json into " + folder + ": " + e.getMessage(), e);
        }
    }
}
