package org.den4j.lm.tokenizer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.den4j.lm.LmException;
import org.den4j.lm.LmInputException;

/**
 * A byte-level BPE tokenizer with Qwen2's pre-tokenizer, as Hugging Face's {@code tokenizer.json}
 * describes it: 256 byte tokens, merged tokens in merge order, then the special tokens.
 *
 * <p>{@link #encode} gives the same ids as the Hugging Face tokenizers library for the files that
 * {@link #save} writes. It is immutable and safe to share between threads. It does not do
 * truncation, padding, offsets or BPE dropout.
 *
 * <pre>
 * BpeTokenizer tokenizer = BpeTokenizer.load(modelDir.resolve("tokenizer.json"));
 * int[] ids = tokenizer.encode("Patient admitted with chest pain.");
 * String text = tokenizer.decode(ids);
 * </pre>
 */
public final class BpeTokenizer {
    /** End of a document; also the padding and beginning-of-sequence token. */
    public static final String END_OF_TEXT = "<|endoftext|>";
    /** The largest {@code tokenizer.json} {@link #load} reads, in bytes. */
    public static final long MAX_FILE_BYTES = 256L << 20;
    /** Opens a chat turn (ChatML). */
    public static final String IM_START = "<|im_start|>";
    /** Closes a chat turn (ChatML). */
    public static final String IM_END = "<|im_end|>";
    /** The special tokens the kit's tokenizers carry, in id order. */
    public static final List<String> SPECIAL_TOKENS = List.of(END_OF_TEXT, IM_START, IM_END);

    /** A ChatML chat template (Jinja), as Qwen2 models use, for tokenizer_config.json and GGUF. */
    public static final String CHAT_TEMPLATE =
            "{% for message in messages %}"
                    + "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}"
                    + "{% endfor %}"
                    + "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final int MAX_CACHED_WORDS = 200_000;

    private final List<String> tokens;
    private final List<Merge> merges;
    private final List<String> specialTokens;
    private final Map<String, Integer> ids;
    private final Map<String, Integer> mergeRanks;
    private final Map<String, int[]> wordCache = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * A tokenizer over {@code tokens} (index = id), {@code merges} (index = rank), and the
     * {@code specialTokens}, which must be among the tokens.
     *
     * @throws LmException if a token repeats, a merge names an unknown token or makes one that is
     *     not in the vocabulary, or a special token is missing
     */
    public BpeTokenizer(List<String> tokens, List<Merge> merges, List<String> specialTokens) {
        this.tokens = List.copyOf(tokens);
        this.merges = List.copyOf(merges);
        this.specialTokens = List.copyOf(specialTokens);
        this.ids = new HashMap<>(tokens.size() * 2);
        for (int i = 0; i < tokens.size(); i++) {
            if (ids.put(tokens.get(i), i) != null) {
                throw new LmException("token " + quoted(tokens.get(i)) + " appears twice in the vocabulary (ids "
                        + ids.get(tokens.get(i)) + " and " + i + "); each token needs one id");
            }
        }
        this.mergeRanks = new HashMap<>(merges.size() * 2);
        for (int r = 0; r < merges.size(); r++) {
            Merge m = merges.get(r);
            if (!ids.containsKey(m.left()) || !ids.containsKey(m.right()) || !ids.containsKey(m.merged())) {
                throw new LmException("merge " + r + " (" + quoted(m.toString()) + ") uses or makes a token that is "
                        + "not in the vocabulary; the merges do not belong to this vocabulary");
            }
            mergeRanks.putIfAbsent(m.left() + " " + m.right(), r);
        }
        for (String s : specialTokens) {
            if (!ids.containsKey(s)) {
                throw new LmException("special token " + quoted(s) + " is not in the vocabulary");
            }
        }
        for (int b : ByteLevel.alphabet()) {
            if (!ids.containsKey(String.valueOf(ByteLevel.charOf(b)))) {
                throw new LmException("the vocabulary lacks the byte token for byte " + b
                        + "; a byte-level tokenizer needs all 256");
            }
        }
    }

    /** The number of tokens, special tokens included. */
    public int vocabSize() {
        return tokens.size();
    }

    /** The tokens in id order (byte-level strings; special tokens as written). */
    public List<String> tokens() {
        return tokens;
    }

    /** The merges in rank order. */
    public List<Merge> merges() {
        return merges;
    }

    /** The special tokens, in id order. */
    public List<String> specialTokens() {
        return specialTokens;
    }

    /** Whether {@code id} is a special token's id. */
    public boolean isSpecial(int id) {
        return id >= 0 && id < tokens.size() && specialTokens.contains(tokens.get(id));
    }

    /**
     * The id of {@code token}.
     *
     * @throws LmException if the vocabulary has no such token
     */
    public int idOf(String token) {
        Integer id = ids.get(token);
        if (id == null) {
            throw new LmException("no token " + quoted(token) + " in this tokenizer's vocabulary");
        }
        return id;
    }

    /** The token ids of {@code text}; special tokens written in the text become their ids. */
    public int[] encode(String text) {
        IntList out = new IntList();
        int start = 0;
        while (start < text.length()) {
            int bestAt = -1;
            String best = null;
            for (String s : specialTokens) {
                int at = text.indexOf(s, start);
                if (at >= 0 && (bestAt < 0 || at < bestAt || (at == bestAt && s.length() > best.length()))) {
                    bestAt = at;
                    best = s;
                }
            }
            int end = bestAt < 0 ? text.length() : bestAt;
            encodeOrdinary(text.substring(start, end), out);
            if (best == null) {
                break;
            }
            out.add(ids.get(best));
            start = bestAt + best.length();
        }
        return out.toArray();
    }

    private void encodeOrdinary(String text, IntList out) {
        if (text.isEmpty()) {
            return;
        }
        for (String word : Qwen2PreTokenizer.split(Qwen2PreTokenizer.normalize(text))) {
            String symbols = ByteLevel.encode(word);
            int[] cached = wordCache.get(symbols);
            if (cached == null) {
                cached = encodeWord(symbols);
                if (wordCache.size() < MAX_CACHED_WORDS) {
                    wordCache.put(symbols, cached);
                }
            }
            out.addAll(cached);
        }
    }

    /** Applies the merges to one pre-tokenised word: always the lowest-ranked pair, leftmost first. */
    private int[] encodeWord(String symbols) {
        List<String> parts = new ArrayList<>(symbols.length());
        for (int i = 0; i < symbols.length(); i++) {
            parts.add(String.valueOf(symbols.charAt(i)));
        }
        while (parts.size() > 1) {
            int bestRank = Integer.MAX_VALUE;
            int bestAt = -1;
            for (int i = 0; i + 1 < parts.size(); i++) {
                Integer rank = mergeRanks.get(parts.get(i) + " " + parts.get(i + 1));
                if (rank != null && rank < bestRank) {
                    bestRank = rank;
                    bestAt = i;
                }
            }
            if (bestAt < 0) {
                break;
            }
            parts.set(bestAt, parts.get(bestAt) + parts.get(bestAt + 1));
            parts.remove(bestAt + 1);
        }
        int[] result = new int[parts.size()];
        for (int i = 0; i < result.length; i++) {
            result[i] = ids.get(parts.get(i));
        }
        return result;
    }

    /** The text of {@code ids}, special tokens included; invalid UTF-8 becomes U+FFFD. */
    public String decode(int[] ids) {
        return decode(ids, false);
    }

    /**
     * The text of {@code ids}; invalid UTF-8 becomes U+FFFD.
     *
     * @throws LmException if an id is outside the vocabulary
     */
    public String decode(int[] ids, boolean skipSpecialTokens) {
        StringBuilder text = new StringBuilder();
        ByteArrayOutputStream pending = new ByteArrayOutputStream();
        for (int id : ids) {
            if (id < 0 || id >= tokens.size()) {
                throw new LmException("token id " + id + " is outside this tokenizer's vocabulary (0.."
                        + (tokens.size() - 1) + "); the ids come from another model or tokenizer");
            }
            String token = tokens.get(id);
            if (specialTokens.contains(token)) {
                flush(pending, text);
                if (!skipSpecialTokens) {
                    text.append(token);
                }
            } else if (!ByteLevel.appendBytes(token, pending)) {
                flush(pending, text);
                text.append(token);
            }
        }
        flush(pending, text);
        return text.toString();
    }

    private static void flush(ByteArrayOutputStream pending, StringBuilder text) {
        if (pending.size() > 0) {
            text.append(new String(pending.toByteArray(), StandardCharsets.UTF_8));
            pending.reset();
        }
    }

    /** The Hugging Face {@code tokenizer.json} document for this tokenizer. */
    public Map<String, Object> toTokenizerJson() {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("version", "1.0");
        doc.put("truncation", null);
        doc.put("padding", null);
        List<Object> added = new ArrayList<>();
        for (String s : specialTokens) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("id", ids.get(s));
            t.put("content", s);
            t.put("single_word", false);
            t.put("lstrip", false);
            t.put("rstrip", false);
            t.put("normalized", false);
            t.put("special", true);
            added.add(t);
        }
        doc.put("added_tokens", added);
        doc.put("normalizer", Map.of("type", "NFC"));
        Map<String, Object> split = new LinkedHashMap<>();
        split.put("type", "Split");
        split.put("pattern", Map.of("Regex", Qwen2PreTokenizer.PATTERN));
        split.put("behavior", "Isolated");
        split.put("invert", false);
        doc.put("pre_tokenizer", Map.of("type", "Sequence", "pretokenizers", List.of(split, byteLevel())));
        doc.put("post_processor", byteLevel());
        doc.put("decoder", byteLevel());
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("type", "BPE");
        model.put("dropout", null);
        model.put("unk_token", null);
        model.put("continuing_subword_prefix", "");
        model.put("end_of_word_suffix", "");
        model.put("fuse_unk", false);
        model.put("byte_fallback", false);
        model.put("ignore_merges", false);
        Map<String, Integer> vocab = new LinkedHashMap<>();
        for (int i = 0; i < tokens.size(); i++) {
            if (!specialTokens.contains(tokens.get(i))) {
                vocab.put(tokens.get(i), i);
            }
        }
        model.put("vocab", vocab);
        model.put("merges", merges.stream().map(Merge::toString).toList());
        doc.put("model", model);
        return doc;
    }

    private static Map<String, Object> byteLevel() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "ByteLevel");
        m.put("add_prefix_space", false);
        m.put("trim_offsets", false);
        m.put("use_regex", false);
        return m;
    }

    /** The Hugging Face {@code tokenizer_config.json} document: ChatML template, bos/eos/pad. */
    public Map<String, Object> toTokenizerConfig(int modelMaxLength) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("add_bos_token", false);
        doc.put("add_prefix_space", false);
        Map<String, Object> decoder = new LinkedHashMap<>();
        for (String s : specialTokens) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("content", s);
            t.put("lstrip", false);
            t.put("normalized", false);
            t.put("rstrip", false);
            t.put("single_word", false);
            t.put("special", true);
            decoder.put(String.valueOf(ids.get(s)), t);
        }
        doc.put("added_tokens_decoder", decoder);
        doc.put("additional_special_tokens", specialTokens.stream().filter(s -> !s.equals(END_OF_TEXT)).toList());
        doc.put("bos_token", END_OF_TEXT);
        doc.put("eos_token", END_OF_TEXT);
        doc.put("pad_token", END_OF_TEXT);
        doc.put("unk_token", null);
        doc.put("chat_template", CHAT_TEMPLATE);
        doc.put("clean_up_tokenization_spaces", false);
        doc.put("errors", "replace");
        doc.put("model_max_length", modelMaxLength);
        doc.put("split_special_tokens", false);
        doc.put("tokenizer_class", "Qwen2Tokenizer");
        return doc;
    }

    /**
     * Writes {@code tokenizer.json} and {@code tokenizer_config.json} into {@code dir} (created if
     * missing), each through a temporary file, so a reader never sees half a file.
     *
     * @throws LmException if the folder cannot be written
     */
    public void save(Path dir, int modelMaxLength) {
        try {
            Files.createDirectories(dir);
            writeJson(dir.resolve("tokenizer.json"), toTokenizerJson());
            writeJson(dir.resolve("tokenizer_config.json"), toTokenizerConfig(modelMaxLength));
        } catch (IOException e) {
            throw new LmException("cannot write the tokenizer into " + dir + ": " + e.getMessage(), e);
        }
    }

    static void writeJson(Path file, Object doc) throws IOException {
        Path tmp = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp");
        try {
            Files.write(tmp, JSON.writeValueAsBytes(doc));
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Reads a byte-level BPE {@code tokenizer.json} (the kind {@link #save} writes, and Qwen2's).
     *
     * @throws LmException if the file is missing, not JSON, or not a byte-level BPE tokenizer
     */
    public static BpeTokenizer load(Path tokenizerJson) {
        if (!Files.isRegularFile(tokenizerJson)) {
            throw new LmInputException("tokenizer file " + tokenizerJson + " does not exist; pass a model folder's "
                    + "tokenizer.json (build one with ./jbang lm-kit)");
        }
        JsonNode root;
        try {
            long size = Files.size(tokenizerJson);
            if (size > MAX_FILE_BYTES) {
                throw new LmException("tokenizer file " + tokenizerJson + " has " + size + " bytes, more than the "
                        + MAX_FILE_BYTES + " a tokenizer.json may have (Qwen2's has 7 MB); it is not a tokenizer");
            }
            root = JSON.readTree(tokenizerJson.toFile());
        } catch (JsonProcessingException e) {
            throw new LmInputException("tokenizer file " + tokenizerJson + " is not valid JSON: "
                    + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new LmException("cannot read tokenizer file " + tokenizerJson + ": " + e.getMessage(), e);
        }
        JsonNode model = root.path("model");
        if (!"BPE".equals(model.path("type").asText()) || !model.path("vocab").isObject()) {
            throw new LmInputException("tokenizer file " + tokenizerJson + " is not a BPE tokenizer (model.type is "
                    + quoted(model.path("type").asText("missing")) + "); den4j reads byte-level BPE tokenizers only");
        }
        Map<Integer, String> byId = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = model.path("vocab").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            byId.put(e.getValue().asInt(), e.getKey());
        }
        List<String> specials = new ArrayList<>();
        for (JsonNode t : root.path("added_tokens")) {
            byId.put(t.path("id").asInt(), t.path("content").asText());
            if (t.path("special").asBoolean(false)) {
                specials.add(t.path("content").asText());
            }
        }
        List<String> tokens = new ArrayList<>(byId.size());
        for (int i = 0; i < byId.size(); i++) {
            String t = byId.get(i);
            if (t == null) {
                throw new LmInputException("tokenizer file " + tokenizerJson + " has no token with id " + i
                        + " although it has " + byId.size() + " tokens; ids must run from 0 without gaps");
            }
            tokens.add(t);
        }
        List<Merge> merges = new ArrayList<>();
        for (JsonNode m : model.path("merges")) {
            String left;
            String right;
            if (m.isArray()) {
                left = m.path(0).asText();
                right = m.path(1).asText();
            } else {
                String[] parts = m.asText().split(" ", -1);
                if (parts.length != 2) {
                    throw new LmInputException("tokenizer file " + tokenizerJson + " has a malformed merge "
                            + quoted(m.asText()) + "; merges look like \"left right\"");
                }
                left = parts[0];
                right = parts[1];
            }
            merges.add(new Merge(left, right));
        }
        specials.sort((a, b) -> Integer.compare(byIdIndex(tokens, a), byIdIndex(tokens, b)));
        return new BpeTokenizer(tokens, merges, specials);
    }

    private static int byIdIndex(List<String> tokens, String t) {
        return tokens.indexOf(t);
    }

    static String quoted(String s) {
        return "'" + s + "'";
    }

    /** A growable int array. */
    static final class IntList {
        private int[] data = new int[16];
        private int size;

        void add(int v) {
            if (size == data.length) {
                data = Arrays.copyOf(data, size * 2);
            }
            data[size++] = v;
        }

        void addAll(int[] vs) {
            for (int v : vs) {
                add(v);
            }
        }

        int size() {
            return size;
        }

        int[] toArray() {
            return Arrays.copyOf(data, size);
        }
    }
}
