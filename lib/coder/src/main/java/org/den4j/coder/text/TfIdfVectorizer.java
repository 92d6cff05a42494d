package org.den4j.coder.text;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.den4j.coder.CoderException;
import org.den4j.coder.CoderInputException;

/**
 * TF-IDF features of word n-grams, with scikit-learn's {@code TfidfVectorizer} semantics so that figures compare:
 * lower-cased text, tokens matching {@code (?u)\b\w\w+\b}, n-grams of consecutive tokens, terms kept when they are
 * in at least {@code minDf} documents, {@code idf = ln((1 + n) / (1 + df)) + 1} (smoothed), term frequency
 * {@code 1 + ln(tf)} when sublinear, rows scaled to unit L2 norm. Immutable and safe for concurrent use.
 *
 * <pre>{@code
 * TfIdfVectorizer v = TfIdfVectorizer.fit(texts, TfIdfVectorizer.Settings.DEFAULTS);
 * SparseVector x = v.transform("Pt with CHF exacerbation");
 * }</pre>
 *
 * <p>It does not stem, remove stop words or learn new terms after fitting: unknown words are ignored.
 */
public final class TfIdfVectorizer {
    /** The settings file of a saved vectorizer. */
    public static final String SETTINGS_FILE = "tfidf.json";
    /** The vocabulary file: one {@code term<TAB>df<TAB>idf} a line, in feature order. */
    public static final String VOCABULARY_FILE = "vocabulary.tsv";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /**
     * How to build the vocabulary.
     *
     * @param maxNgram the longest n-gram (1 or 2: words, or words and word pairs)
     * @param minDf keep terms in at least this many documents
     * @param maxDf drop terms in more than this fraction of documents (1: keep all)
     * @param maxFeatures keep at most this many terms, the most frequent over the corpus (0: no limit)
     * @param sublinearTf term frequency {@code 1 + ln(tf)} instead of {@code tf}
     */
    public record Settings(@JsonProperty("max_ngram") int maxNgram, @JsonProperty("min_df") int minDf,
            @JsonProperty("max_df") double maxDf, @JsonProperty("max_features") int maxFeatures,
            @JsonProperty("sublinear_tf") boolean sublinearTf) {
        /** Words and word pairs in at least 2 documents, sublinear tf, no other limit. */
        public static final Settings DEFAULTS = new Settings(2, 2, 1.0, 0, true);

        public Settings {
            if (maxNgram < 1 || maxNgram > 2) {
                throw new IllegalArgumentException("max n-gram must be 1 or 2, was " + maxNgram);
            }
            if (minDf < 1) {
                throw new IllegalArgumentException("min df must be at least 1, was " + minDf);
            }
            if (!(maxDf > 0 && maxDf <= 1)) {
                throw new IllegalArgumentException("max df must be in (0, 1], was " + maxDf);
            }
            if (maxFeatures < 0) {
                throw new IllegalArgumentException("max features must be 0 (no limit) or more, was " + maxFeatures);
            }
        }
    }

    private record Saved(@JsonProperty("settings") Settings settings, @JsonProperty("documents") int documents,
            @JsonProperty("token_pattern") String tokenPattern, @JsonProperty("lowercase") boolean lowercase,
            @JsonProperty("smooth_idf") boolean smoothIdf, @JsonProperty("norm") String norm) {
    }

    private final Settings settings;
    private final int documents;
    private final String[] terms;
    private final int[] df;
    private final float[] idf;
    /** Word → token id, for every word that is a feature or part of a feature pair. */
    private final Map<String, Integer> tokenIds;
    /** Token id → feature of the single word, or -1. */
    private final int[] unigramFeature;
    /** (token id, token id) → feature of the pair. */
    private final Map<Long, Integer> bigramFeature;

    private TfIdfVectorizer(Settings settings, int documents, String[] terms, int[] df) {
        this.settings = settings;
        this.documents = documents;
        this.terms = terms;
        this.df = df;
        this.idf = new float[terms.length];
        Map<String, Integer> ids = new HashMap<>();
        List<Integer> unigram = new ArrayList<>();
        Map<Long, Integer> pairs = new HashMap<>();
        for (int f = 0; f < terms.length; f++) {
            idf[f] = (float) (Math.log((1.0 + documents) / (1.0 + df[f])) + 1.0);
            String t = terms[f];
            int space = t.indexOf(' ');
            if (space < 0) {
                int id = tokenId(ids, unigram, t);
                unigram.set(id, f);
            } else {
                int a = tokenId(ids, unigram, t.substring(0, space));
                int b = tokenId(ids, unigram, t.substring(space + 1));
                pairs.put(pair(a, b), f);
            }
        }
        this.tokenIds = ids;
        this.unigramFeature = unigram.stream().mapToInt(Integer::intValue).toArray();
        this.bigramFeature = pairs;
    }

    private static int tokenId(Map<String, Integer> ids, List<Integer> unigram, String word) {
        Integer id = ids.get(word);
        if (id == null) {
            id = ids.size();
            ids.put(word, id);
            unigram.add(-1);
        }
        return id;
    }

    private static long pair(int a, int b) {
        return ((long) a << 32) | (b & 0xffffffffL);
    }

    /** The tokens of a text with their character spans: maximal runs of 2+ word characters, lower-cased. */
    static final class Tokens {
        final List<String> words = new ArrayList<>();
        final List<int[]> spans = new ArrayList<>();

        static Tokens of(String text) {
            Tokens t = new Tokens();
            int n = text.length();
            int i = 0;
            while (i < n) {
                int cp = text.codePointAt(i);
                if (!isWord(cp)) {
                    i += Character.charCount(cp);
                    continue;
                }
                int start = i;
                int count = 0;
                while (i < n) {
                    cp = text.codePointAt(i);
                    if (!isWord(cp)) {
                        break;
                    }
                    i += Character.charCount(cp);
                    count++;
                }
                if (count >= 2) {
                    t.words.add(text.substring(start, i).toLowerCase(Locale.ROOT));
                    t.spans.add(new int[] {start, i});
                }
            }
            return t;
        }

        /** Python's {@code \w}: letters, digits (and other numbers) and the underscore. */
        private static boolean isWord(int cp) {
            return Character.isLetterOrDigit(cp) || cp == '_' || Character.getType(cp) == Character.OTHER_NUMBER
                    || Character.getType(cp) == Character.LETTER_NUMBER;
        }
    }

    /**
     * Learns the vocabulary and idf of {@code texts}.
     *
     * @throws CoderInputException when no term is kept (too few or too short texts for {@code minDf})
     */
    public static TfIdfVectorizer fit(List<String> texts, Settings settings) {
        Map<String, long[]> counts = new HashMap<>();
        for (String text : texts) {
            Tokens tokens = Tokens.of(text);
            Map<String, Integer> tf = new HashMap<>();
            List<String> w = tokens.words;
            for (int i = 0; i < w.size(); i++) {
                tf.merge(w.get(i), 1, Integer::sum);
                if (settings.maxNgram() >= 2 && i + 1 < w.size()) {
                    tf.merge(w.get(i) + ' ' + w.get(i + 1), 1, Integer::sum);
                }
            }
            for (Map.Entry<String, Integer> e : tf.entrySet()) {
                long[] c = counts.computeIfAbsent(e.getKey(), k -> new long[2]);
                c[0]++;
                c[1] += e.getValue();
            }
        }
        int n = texts.size();
        double maxDocs = settings.maxDf() * n;
        List<Map.Entry<String, long[]>> kept = new ArrayList<>();
        for (Map.Entry<String, long[]> e : counts.entrySet()) {
            if (e.getValue()[0] >= settings.minDf() && e.getValue()[0] <= maxDocs) {
                kept.add(e);
            }
        }
        if (settings.maxFeatures() > 0 && kept.size() > settings.maxFeatures()) {
            kept.sort((a, b) -> {
                int c = Long.compare(b.getValue()[1], a.getValue()[1]);
                return c != 0 ? c : a.getKey().compareTo(b.getKey());
            });
            kept = new ArrayList<>(kept.subList(0, settings.maxFeatures()));
        }
        if (kept.isEmpty()) {
            throw new CoderInputException("No term is in at least " + settings.minDf() + " of the " + n
                    + " training texts; give more texts or a lower min df");
        }
        kept.sort(Map.Entry.comparingByKey());
        String[] terms = new String[kept.size()];
        int[] df = new int[kept.size()];
        for (int i = 0; i < terms.length; i++) {
            terms[i] = kept.get(i).getKey();
            df[i] = (int) kept.get(i).getValue()[0];
        }
        return new TfIdfVectorizer(settings, n, terms, df);
    }

    /** The settings it was fitted with. */
    public Settings settings() {
        return settings;
    }

    /** Number of features (terms). */
    public int size() {
        return terms.length;
    }

    /** Number of documents it was fitted on. */
    public int documents() {
        return documents;
    }

    /** The term of a feature. */
    public String term(int feature) {
        return terms[feature];
    }

    /** The inverse document frequency of a feature. */
    public double idf(int feature) {
        return idf[feature];
    }

    /** The feature of a term (lower case; a pair as two words and one space), or -1. */
    public int feature(String term) {
        int lo = Arrays.binarySearch(terms, term);
        return lo >= 0 ? lo : -1;
    }

    /** Every occurrence of a vocabulary term in {@code text}, in text order (a pair after its first word). */
    public List<TermSpan> spans(String text) {
        Tokens tokens = Tokens.of(text);
        List<TermSpan> out = new ArrayList<>();
        int previous = -1;
        for (int i = 0; i < tokens.words.size(); i++) {
            Integer id = tokenIds.get(tokens.words.get(i));
            int[] span = tokens.spans.get(i);
            if (id != null && unigramFeature[id] >= 0) {
                out.add(new TermSpan(unigramFeature[id], terms[unigramFeature[id]], span[0], span[1]));
            }
            if (id != null && previous >= 0) {
                Integer f = bigramFeature.get(pair(previous, id));
                if (f != null) {
                    out.add(new TermSpan(f, terms[f], tokens.spans.get(i - 1)[0], span[1]));
                }
            }
            previous = id == null ? -1 : id;
        }
        return out;
    }

    /** The TF-IDF row of {@code text}, unit L2 norm (empty when no term is known). */
    public SparseVector transform(String text) {
        Tokens tokens = Tokens.of(text);
        int[] features = new int[tokens.words.size() * 2];
        int n = 0;
        int previous = -1;
        boolean pairs = settings.maxNgram() >= 2;
        for (String word : tokens.words) {
            Integer id = tokenIds.get(word);
            if (id == null) {
                previous = -1;
                continue;
            }
            if (unigramFeature[id] >= 0) {
                features[n++] = unigramFeature[id];
            }
            if (pairs && previous >= 0) {
                Integer f = bigramFeature.get(pair(previous, id));
                if (f != null) {
                    features[n++] = f;
                }
            }
            previous = id;
        }
        Arrays.sort(features, 0, n);
        int distinct = 0;
        for (int i = 0; i < n; i++) {
            if (i == 0 || features[i] != features[i - 1]) {
                distinct++;
            }
        }
        int[] indices = new int[distinct];
        float[] values = new float[distinct];
        int k = -1;
        for (int i = 0; i < n; i++) {
            if (i == 0 || features[i] != features[i - 1]) {
                indices[++k] = features[i];
            }
            values[k]++;
        }
        double norm = 0;
        for (int i = 0; i < distinct; i++) {
            double tf = settings.sublinearTf() ? 1 + Math.log(values[i]) : values[i];
            double v = tf * idf[indices[i]];
            values[i] = (float) v;
            norm += v * v;
        }
        if (norm > 0) {
            float scale = (float) (1 / Math.sqrt(norm));
            for (int i = 0; i < distinct; i++) {
                values[i] *= scale;
            }
        }
        return new SparseVector(indices, values);
    }

    /** Writes {@value #SETTINGS_FILE} and {@value #VOCABULARY_FILE} into {@code folder}. */
    public void save(Path folder) {
        try {
            Files.writeString(folder.resolve(SETTINGS_FILE), JSON.writeValueAsString(new Saved(settings, documents,
                    "(?u)\\b\\w\\w+\\b", true, true, "l2")) + "\n");
            try (BufferedWriter w = Files.newBufferedWriter(folder.resolve(VOCABULARY_FILE), StandardCharsets.UTF_8)) {
                for (int f = 0; f < terms.length; f++) {
                    w.write(terms[f]);
                    w.write('\t');
                    w.write(Integer.toString(df[f]));
                    w.write('\t');
                    w.write(Float.toString(idf[f]));
                    w.write('\n');
                }
            }
        } catch (IOException e) {
            throw new CoderException("Cannot write the TF-IDF vocabulary to " + folder + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads a vectorizer saved by {@link #save}.
     *
     * @throws CoderInputException when a file is missing or malformed
     */
    public static TfIdfVectorizer load(Path folder) {
        Path settingsFile = folder.resolve(SETTINGS_FILE);
        Path vocabularyFile = folder.resolve(VOCABULARY_FILE);
        try {
            Saved saved = JSON.readValue(Files.readString(settingsFile), Saved.class);
            List<String> lines = Files.readAllLines(vocabularyFile, StandardCharsets.UTF_8);
            List<String> terms = new ArrayList<>(lines.size());
            int[] df = new int[lines.size()];
            Set<String> seen = new HashSet<>();
            for (String line : lines) {
                if (line.isEmpty()) {
                    continue;
                }
                String[] p = line.split("\t", -1);
                if (p.length < 2 || !seen.add(p[0])) {
                    throw new CoderInputException(vocabularyFile + " line " + (terms.size() + 1) + " is not "
                            + "TERM<TAB>DF<TAB>IDF with a new term");
                }
                df[terms.size()] = Integer.parseInt(p[1]);
                terms.add(p[0]);
            }
            String[] sorted = terms.toArray(String[]::new);
            for (int i = 1; i < sorted.length; i++) {
                if (sorted[i - 1].compareTo(sorted[i]) >= 0) {
                    throw new CoderInputException(vocabularyFile + " is not sorted at line " + (i + 1));
                }
            }
            return new TfIdfVectorizer(saved.settings(), saved.documents(), sorted, Arrays.copyOf(df, sorted.length));
        } catch (NoSuchFileException e) {
            throw new CoderInputException(folder + " has no " + e.getFile() + "; it is not a saved TF-IDF "
                    + "vectorizer", e);
        } catch (IOException | NumberFormatException e) {
            throw new CoderInputException("Cannot read the TF-IDF vectorizer of " + folder + ": " + e.getMessage(), e);
        }
    }
}
