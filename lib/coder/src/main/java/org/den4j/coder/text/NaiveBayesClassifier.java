package org.den4j.coder.text;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.den4j.coder.CoderException;
import org.den4j.coder.CoderInputException;
import org.den4j.lm.io.DType;
import org.den4j.lm.io.SafetensorsFile;
import org.den4j.lm.io.Tensor;

/**
 * Multinomial naive Bayes over TF-IDF features, one binary model per label (the texts with the label against the
 * texts without it), as scikit-learn's {@code MultinomialNB} fitted per label on TF-IDF rows. The score is the
 * posterior probability of the label. It learns incrementally: {@link #update} adds texts to the counts without
 * seeing the old texts again, which is what a feedback loop needs.
 *
 * <pre>{@code
 * NaiveBayesClassifier nb = NaiveBayesClassifier.train(texts, NaiveBayesClassifier.Settings.DEFAULTS);
 * nb.update(List.of(new LabeledText("corrected note ...", Set.of("ICD-10-CM|I50.9"))));
 * }</pre>
 *
 * <p>The vocabulary is fitted on the first training texts and then fixed: words first seen in an update are
 * ignored (retrain to learn them). Scoring is safe while another thread updates: an update builds new tables and
 * swaps them in at once, and concurrent updates are serialized.
 */
public final class NaiveBayesClassifier implements TextClassifier {
    /** The counts file. */
    public static final String COUNTS_FILE = "naive-bayes.safetensors";
    /** The settings file. */
    public static final String SETTINGS_FILE = "naive-bayes.json";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /**
     * How to train.
     *
     * @param tfidf the vocabulary settings
     * @param alpha additive (Lidstone) smoothing of the feature counts
     */
    public record Settings(@JsonProperty("tfidf") TfIdfVectorizer.Settings tfidf,
            @JsonProperty("alpha") double alpha) {
        /** Words and pairs, alpha 0.01 (TF-IDF counts are fractions, so scikit-learn's 1.0 would swamp them). */
        public static final Settings DEFAULTS = new Settings(TfIdfVectorizer.Settings.DEFAULTS, 0.01);

        public Settings {
            if (!(alpha > 0)) {
                throw new CoderInputException("alpha must be positive, was " + alpha);
            }
        }

        public Settings withAlpha(double a) {
            return new Settings(tfidf, a);
        }
    }

    /** What one label has counted: its documents, its TF-IDF mass and its mass per feature (sorted features). */
    private record LabelCounts(long documents, double total, int[] features, double[] counts) {
    }

    /** The counts and the tables scoring reads, replaced together by each update. */
    private record State(long documents, double total, double[] featureTotal, String[] labels,
            LabelCounts[] counts, Tables tables) {
    }

    /** Scoring tables derived from the counts. */
    private record Tables(double[] base, double[] perMass, double[] prior, int[] featureStart, int[] featureLabel,
            double[] featureCorrection) {
    }

    private final Settings settings;
    private final TfIdfVectorizer vectorizer;
    private volatile State state;

    private NaiveBayesClassifier(Settings settings, TfIdfVectorizer vectorizer, State state) {
        this.settings = settings;
        this.vectorizer = vectorizer;
        this.state = state;
    }

    /**
     * Fits the vocabulary and the counts of {@code texts}.
     *
     * @throws CoderInputException when there are no texts
     */
    public static NaiveBayesClassifier train(List<LabeledText> texts, Settings settings) {
        if (texts.isEmpty()) {
            throw new CoderInputException("Cannot train naive Bayes on no texts; give labeled texts");
        }
        TfIdfVectorizer vectorizer = TfIdfVectorizer.fit(texts.stream().map(LabeledText::text).toList(),
                settings.tfidf());
        NaiveBayesClassifier nb = new NaiveBayesClassifier(settings, vectorizer,
                state(settings, 0, 0, new double[vectorizer.size()], new String[0], new LabelCounts[0]));
        nb.update(texts);
        return nb;
    }

    /** Adds {@code texts} to the counts; new labels become known. */
    public synchronized void update(List<LabeledText> texts) {
        State s = state;
        double[] featureTotal = s.featureTotal().clone();
        double total = s.total();
        Map<String, Map<Integer, Double>> added = new TreeMap<>();
        Map<String, long[]> addedDocs = new HashMap<>();
        for (LabeledText t : texts) {
            SparseVector x = vectorizer.transform(t.text());
            double mass = 0;
            for (int j = 0; j < x.size(); j++) {
                featureTotal[x.indices()[j]] += x.values()[j];
                mass += x.values()[j];
            }
            total += mass;
            for (String label : t.labels()) {
                Map<Integer, Double> m = added.computeIfAbsent(label, k -> new HashMap<>());
                for (int j = 0; j < x.size(); j++) {
                    m.merge(x.indices()[j], (double) x.values()[j], Double::sum);
                }
                long[] d = addedDocs.computeIfAbsent(label, k -> new long[1]);
                d[0]++;
            }
        }
        Map<String, LabelCounts> merged = new TreeMap<>();
        for (int l = 0; l < s.labels().length; l++) {
            merged.put(s.labels()[l], s.counts()[l]);
        }
        for (Map.Entry<String, Map<Integer, Double>> e : added.entrySet()) {
            LabelCounts old = merged.getOrDefault(e.getKey(), new LabelCounts(0, 0, new int[0], new double[0]));
            TreeMap<Integer, Double> sum = new TreeMap<>(e.getValue());
            for (int k = 0; k < old.features().length; k++) {
                sum.merge(old.features()[k], old.counts()[k], Double::sum);
            }
            int[] f = new int[sum.size()];
            double[] c = new double[sum.size()];
            double mass = 0;
            int k = 0;
            for (Map.Entry<Integer, Double> fc : sum.entrySet()) {
                f[k] = fc.getKey();
                c[k++] = fc.getValue();
                mass += fc.getValue();
            }
            merged.put(e.getKey(), new LabelCounts(old.documents() + addedDocs.get(e.getKey())[0], mass, f, c));
        }
        state = state(settings, s.documents() + texts.size(), total, featureTotal,
                merged.keySet().toArray(String[]::new), merged.values().toArray(LabelCounts[]::new));
    }

    private static State state(Settings settings, long documents, double total, double[] featureTotal,
            String[] labels, LabelCounts[] counts) {
        double alpha = settings.alpha();
        int v = featureTotal.length;
        double logAlpha = Math.log(alpha);
        // The part of every label's log-likelihood ratio that does not depend on the label: features the label
        // never had, counted as alpha against all of their mass.
        double[] base = new double[v];
        for (int f = 0; f < v; f++) {
            base[f] = logAlpha - Math.log(featureTotal[f] + alpha);
        }
        double[] perMass = new double[labels.length];
        double[] prior = new double[labels.length];
        int[] featureStart = new int[v + 1];
        for (LabelCounts c : counts) {
            for (int f : c.features()) {
                featureStart[f + 1]++;
            }
        }
        for (int f = 0; f < v; f++) {
            featureStart[f + 1] += featureStart[f];
        }
        int[] next = featureStart.clone();
        int[] featureLabel = new int[featureStart[v]];
        double[] correction = new double[featureStart[v]];
        for (int l = 0; l < labels.length; l++) {
            LabelCounts c = counts[l];
            perMass[l] = Math.log(c.total() + alpha * v) - Math.log(Math.max(0, total - c.total()) + alpha * v);
            prior[l] = Math.log((c.documents() + 1.0) / (documents - c.documents() + 1.0));
            for (int k = 0; k < c.features().length; k++) {
                int f = c.features()[k];
                double p = c.counts()[k];
                double rest = Math.max(0, featureTotal[f] - p);
                int at = next[f]++;
                featureLabel[at] = l;
                correction[at] = Math.log(p + alpha) - Math.log(rest + alpha) - base[f];
            }
        }
        return new State(documents, total, featureTotal, labels, counts,
                new Tables(base, perMass, prior, featureStart, featureLabel, correction));
    }

    /** The settings it was trained with. */
    public Settings settings() {
        return settings;
    }

    /** Its vocabulary. */
    public TfIdfVectorizer vectorizer() {
        return vectorizer;
    }

    /** How many texts it has counted (training and updates). */
    public long documents() {
        return state.documents();
    }

    @Override
    public Set<String> labels() {
        return Set.of(state.labels());
    }

    /** Each label's log posterior odds for a TF-IDF row. */
    private static double[] logOdds(State s, SparseVector x) {
        Tables t = s.tables();
        int labels = s.labels().length;
        double[] d = new double[labels];
        double baseSum = 0;
        double mass = 0;
        int[] idx = x.indices();
        float[] val = x.values();
        for (int j = 0; j < idx.length; j++) {
            baseSum += val[j] * t.base()[idx[j]];
            mass += val[j];
        }
        for (int l = 0; l < labels; l++) {
            d[l] = t.prior()[l] + baseSum - mass * t.perMass()[l];
        }
        for (int j = 0; j < idx.length; j++) {
            int f = idx[j];
            float v = val[j];
            for (int k = t.featureStart()[f]; k < t.featureStart()[f + 1]; k++) {
                d[t.featureLabel()[k]] += v * t.featureCorrection()[k];
            }
        }
        return d;
    }

    @Override
    public List<LabelScore> scores(String text) {
        State s = state;
        double[] d = logOdds(s, vectorizer.transform(text));
        List<LabelScore> out = new ArrayList<>(d.length);
        for (int l = 0; l < d.length; l++) {
            out.add(new LabelScore(s.labels()[l], 1 / (1 + Math.exp(-d[l]))));
        }
        out.sort((a, b) -> Double.compare(b.score(), a.score()));
        return out;
    }

    @Override
    public List<List<LabelScore>> scores(List<String> texts) {
        return texts.parallelStream().map(this::scores).toList();
    }

    @Override
    public List<TermSpan> evidence(String text, String label, int limit) {
        State s = state;
        int l = Arrays.binarySearch(s.labels(), label);
        if (l < 0) {
            throw new CoderInputException("Unknown label '" + label + "'; the classifier knows " + s.labels().length
                    + " labels");
        }
        LabelCounts c = s.counts()[l];
        double perMass = s.tables().perMass()[l];
        return TermEvidence.strongest(vectorizer, text, limit, f -> {
            int k = Arrays.binarySearch(c.features(), f);
            double p = k < 0 ? 0 : c.counts()[k];
            double rest = Math.max(0, s.featureTotal()[f] - p);
            return Math.log(p + settings.alpha()) - Math.log(rest + settings.alpha()) - perMass;
        });
    }

    @Override
    public void save(Path folder) {
        State s = state;
        vectorizer.save(folder);
        Weights.writeLabels(folder.resolve(LinearClassifier.LABELS_FILE), s.labels());
        long[] indptr = new long[s.labels().length + 1];
        for (int l = 0; l < s.labels().length; l++) {
            indptr[l + 1] = indptr[l] + s.counts()[l].features().length;
        }
        int[] indices = new int[(int) indptr[s.labels().length]];
        double[] data = new double[indices.length];
        long[] docs = new long[s.labels().length];
        double[] totals = new double[s.labels().length];
        for (int l = 0; l < s.labels().length; l++) {
            LabelCounts c = s.counts()[l];
            System.arraycopy(c.features(), 0, indices, (int) indptr[l], c.features().length);
            System.arraycopy(c.counts(), 0, data, (int) indptr[l], c.counts().length);
            docs[l] = c.documents();
            totals[l] = c.total();
        }
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("label_counts.data", doubles(data));
        t.put("label_counts.indices", Weights.ints(indices));
        t.put("label_counts.indptr", Weights.longs(indptr));
        t.put("label_documents", Weights.longs(docs));
        t.put("label_total", doubles(totals));
        t.put("feature_total", doubles(s.featureTotal()));
        Weights.write(folder.resolve(COUNTS_FILE), t, Map.of("format", "csr", "documents",
                Long.toString(s.documents()), "total", Double.toString(s.total())));
        try {
            Files.writeString(folder.resolve(SETTINGS_FILE), JSON.writeValueAsString(settings) + "\n");
        } catch (IOException e) {
            throw new CoderException("Cannot write " + folder.resolve(SETTINGS_FILE) + ": " + e.getMessage(), e);
        }
    }

    private static Tensor doubles(double[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.asDoubleBuffer().put(values);
        return new Tensor(DType.F64, new long[] {values.length}, b);
    }

    private static double[] doublesOf(SafetensorsFile f, String name) {
        ByteBuffer b = f.data(name).order(ByteOrder.LITTLE_ENDIAN);
        double[] out = new double[b.remaining() / 8];
        b.asDoubleBuffer().get(out);
        return out;
    }

    /**
     * Reads a classifier saved by {@link #save}; it can go on learning with {@link #update}.
     *
     * @throws CoderInputException when a file is missing or does not fit the others
     */
    public static NaiveBayesClassifier load(Path folder) {
        Settings settings;
        try {
            settings = JSON.readValue(Files.readString(folder.resolve(SETTINGS_FILE)), Settings.class);
        } catch (NoSuchFileException e) {
            throw new CoderInputException(folder + " has no " + SETTINGS_FILE + "; it is not a saved naive Bayes "
                    + "classifier", e);
        } catch (IOException e) {
            throw new CoderInputException("Cannot read " + folder.resolve(SETTINGS_FILE) + ": " + e.getMessage(), e);
        }
        TfIdfVectorizer vectorizer = TfIdfVectorizer.load(folder);
        String[] labels = Weights.readLabels(folder.resolve(LinearClassifier.LABELS_FILE));
        Path file = folder.resolve(COUNTS_FILE);
        try (SafetensorsFile f = Weights.open(file)) {
            long[] indptr = Weights.longsOf(f, "label_counts.indptr");
            int[] indices = Weights.intsOf(f, "label_counts.indices");
            double[] data = doublesOf(f, "label_counts.data");
            long[] docs = Weights.longsOf(f, "label_documents");
            double[] totals = doublesOf(f, "label_total");
            double[] featureTotal = doublesOf(f, "feature_total");
            if (indptr.length != labels.length + 1 || docs.length != labels.length || totals.length != labels.length
                    || featureTotal.length != vectorizer.size() || indices.length != data.length
                    || indptr[labels.length] != data.length) {
                throw new CoderInputException(file + " does not fit " + labels.length + " labels and "
                        + vectorizer.size() + " features");
            }
            LabelCounts[] counts = new LabelCounts[labels.length];
            for (int l = 0; l < labels.length; l++) {
                int from = (int) indptr[l];
                int to = (int) indptr[l + 1];
                int[] fs = Arrays.copyOfRange(indices, from, to);
                for (int i : fs) {
                    if (i < 0 || i >= vectorizer.size()) {
                        throw new CoderInputException(file + " names feature " + i + " of a vocabulary of "
                                + vectorizer.size());
                    }
                }
                counts[l] = new LabelCounts(docs[l], totals[l], fs, Arrays.copyOfRange(data, from, to));
            }
            Map<String, String> meta = f.metadata();
            long documents = Long.parseLong(meta.getOrDefault("documents", "0"));
            double total = Double.parseDouble(meta.getOrDefault("total", "0"));
            return new NaiveBayesClassifier(settings, vectorizer,
                    state(settings, documents, total, featureTotal, labels, counts));
        } catch (NumberFormatException e) {
            throw new CoderInputException("Cannot read " + file + ": " + e.getMessage(), e);
        } catch (CoderException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new CoderInputException("Cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        State s = state;
        return String.format(Locale.ROOT, "NaiveBayesClassifier[alpha=%s, %d labels, %d features, %d texts]",
                settings.alpha(), s.labels().length, vectorizer.size(), s.documents());
    }
}
