package org.den4j.coder.text;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import de.bwaldvogel.liblinear.Feature;
import de.bwaldvogel.liblinear.FeatureNode;
import de.bwaldvogel.liblinear.Linear;
import de.bwaldvogel.liblinear.Model;
import de.bwaldvogel.liblinear.Parameter;
import de.bwaldvogel.liblinear.Problem;
import de.bwaldvogel.liblinear.SolverType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.den4j.coder.CoderException;
import org.den4j.coder.CoderInputException;

/**
 * One-vs-rest linear models over TF-IDF features, trained by LIBLINEAR (the solver scikit-learn's
 * {@code LinearSVC} and {@code LogisticRegression(solver="liblinear")} wrap): one binary model per label, each with
 * an intercept. A label's score is the sigmoid of its decision value, so 0.5 is the models' own boundary.
 * Immutable and safe for concurrent use.
 *
 * <pre>{@code
 * LinearClassifier c = LinearClassifier.train(texts, LinearClassifier.Settings.DEFAULTS);
 * c.scores("Pt with CHF exacerbation");
 * }</pre>
 *
 * <p>Weights are kept sparse (zeros and those up to {@link Settings#prune()} dropped), rows by label in
 * {@value #WEIGHTS_FILE} as a CSR matrix: tensors {@code coef.data} (F32), {@code coef.indices} (I32),
 * {@code coef.indptr} (I64) and {@code intercept} (F32), readable by
 * {@code scipy.sparse.csr_matrix((data, indices, indptr))}.
 */
public final class LinearClassifier implements TextClassifier {
    /** The weights file. */
    public static final String WEIGHTS_FILE = "weights.safetensors";
    /** The labels file: one label a line, in weight-row order. */
    public static final String LABELS_FILE = "labels.tsv";
    /** The settings file. */
    public static final String SETTINGS_FILE = "linear.json";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** The loss of each binary model. */
    public enum Loss {
        /** Squared hinge (L2-loss linear SVM, dual solver): scikit-learn's {@code LinearSVC} default. */
        SVM(SolverType.L2R_L2LOSS_SVC_DUAL),
        /** Logistic regression (dual solver). */
        LOGISTIC(SolverType.L2R_LR_DUAL);

        private final SolverType solver;

        Loss(SolverType solver) {
            this.solver = solver;
        }

        /** The loss named {@code svm} or {@code logistic}. */
        public static Loss parse(String name) {
            for (Loss l : values()) {
                if (l.name().equalsIgnoreCase(name.strip())) {
                    return l;
                }
            }
            throw new CoderInputException("Unknown loss '" + name + "'; use svm or logistic");
        }
    }

    /**
     * How to train.
     *
     * @param tfidf the vocabulary settings
     * @param loss the loss of each binary model
     * @param c the inverse regularization strength (LIBLINEAR's and scikit-learn's C)
     * @param epsilon the solver's stopping tolerance
     * @param threads models trained at once (0: one per processor)
     * @param prune weights of at most this magnitude are dropped (0: keep every non-zero weight)
     */
    public record Settings(@JsonProperty("tfidf") TfIdfVectorizer.Settings tfidf, @JsonProperty("loss") Loss loss,
            @JsonProperty("c") double c, @JsonProperty("epsilon") double epsilon,
            @JsonProperty("threads") int threads, @JsonProperty("prune") double prune) {
        /**
         * Words and pairs, linear SVM with C = 1 as scikit-learn's LinearSVC, tolerance 0.01, weights up to 0.01
         * dropped. The dual solver leaves almost every weight non-zero (88% on 500 synthetic patients); dropping
         * those up to 0.01 kept 40% of them with the same test micro-F1 (0.2944 against 0.2917 at threshold 0).
         */
        public static final Settings DEFAULTS = new Settings(TfIdfVectorizer.Settings.DEFAULTS, Loss.SVM, 1.0, 0.01,
                0, 0.01);

        public Settings {
            if (!(c > 0)) {
                throw new CoderInputException("C must be positive, was " + c);
            }
            if (!(epsilon > 0)) {
                throw new CoderInputException("epsilon must be positive, was " + epsilon);
            }
            if (!(prune >= 0)) {
                throw new CoderInputException("prune must be 0 or more, was " + prune);
            }
        }

        public Settings withLoss(Loss l) {
            return new Settings(tfidf, l, c, epsilon, threads, prune);
        }

        public Settings withC(double value) {
            return new Settings(tfidf, loss, value, epsilon, threads, prune);
        }
    }

    private final Settings settings;
    private final TfIdfVectorizer vectorizer;
    private final String[] labels;
    private final float[] intercept;
    /** Label rows (CSR): the weights of label l are data[indptr[l] .. indptr[l + 1]) at features indices[...]. */
    private final long[] indptr;
    private final int[] indices;
    private final float[] data;
    /** The same weights by feature (CSC), for scoring: the labels of feature f are byFeatureLabel[start[f]..]. */
    private final int[] featureStart;
    private final int[] featureLabel;
    private final float[] featureWeight;

    private LinearClassifier(Settings settings, TfIdfVectorizer vectorizer, String[] labels, float[] intercept,
            long[] indptr, int[] indices, float[] data) {
        this.settings = settings;
        this.vectorizer = vectorizer;
        this.labels = labels;
        this.intercept = intercept;
        this.indptr = indptr;
        this.indices = indices;
        this.data = data;
        int features = vectorizer.size();
        featureStart = new int[features + 1];
        for (int i : indices) {
            featureStart[i + 1]++;
        }
        for (int f = 0; f < features; f++) {
            featureStart[f + 1] += featureStart[f];
        }
        int[] next = featureStart.clone();
        featureLabel = new int[indices.length];
        featureWeight = new float[indices.length];
        for (int l = 0; l < labels.length; l++) {
            for (long k = indptr[l]; k < indptr[l + 1]; k++) {
                int f = indices[(int) k];
                int at = next[f]++;
                featureLabel[at] = l;
                featureWeight[at] = data[(int) k];
            }
        }
    }

    /**
     * Fits the vocabulary and one binary model per label seen in {@code texts}.
     *
     * @throws CoderInputException when there are no texts or no labels
     */
    public static LinearClassifier train(List<LabeledText> texts, Settings settings) {
        TreeSet<String> labelSet = new TreeSet<>();
        texts.forEach(t -> labelSet.addAll(t.labels()));
        if (texts.isEmpty() || labelSet.isEmpty()) {
            throw new CoderInputException("Cannot train a linear classifier on " + texts.size() + " texts with "
                    + labelSet.size() + " labels; give labeled texts");
        }
        TfIdfVectorizer vectorizer = TfIdfVectorizer.fit(texts.stream().map(LabeledText::text).toList(),
                settings.tfidf());
        int n = vectorizer.size();
        Feature[][] x = new Feature[texts.size()][];
        for (int i = 0; i < x.length; i++) {
            SparseVector v = vectorizer.transform(texts.get(i).text());
            Feature[] row = new Feature[v.size() + 1];
            for (int j = 0; j < v.size(); j++) {
                row[j] = new FeatureNode(v.indices()[j] + 1, v.values()[j]);
            }
            // The intercept as LIBLINEAR learns it: one more feature of value 1 (scikit-learn's intercept_scaling).
            row[v.size()] = new FeatureNode(n + 1, 1.0);
            x[i] = row;
        }
        String[] labels = labelSet.toArray(String[]::new);
        int threads = settings.threads() > 0 ? settings.threads() : Runtime.getRuntime().availableProcessors();
        Linear.disableDebugOutput();
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "liblinear");
            t.setDaemon(true);
            return t;
        });
        float[][] rows = new float[labels.length][];
        float[] intercept = new float[labels.length];
        try {
            List<Future<double[]>> futures = new ArrayList<>();
            for (String label : labels) {
                futures.add(pool.submit(() -> trainOne(x, n, texts, label, settings)));
            }
            for (int l = 0; l < labels.length; l++) {
                double[] w = futures.get(l).get();
                float[] row = new float[n];
                for (int f = 0; f < n; f++) {
                    row[f] = (float) w[f];
                }
                rows[l] = row;
                intercept[l] = (float) w[n];
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CoderException("Training the linear classifier was interrupted", e);
        } catch (ExecutionException e) {
            throw new CoderException("LIBLINEAR failed: " + e.getCause().getMessage(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
        double prune = settings.prune();
        long nonZero = 0;
        for (float[] row : rows) {
            for (float w : row) {
                if (w != 0 && Math.abs(w) > prune) {
                    nonZero++;
                }
            }
        }
        long[] indptr = new long[labels.length + 1];
        int[] indices = new int[(int) nonZero];
        float[] data = new float[(int) nonZero];
        int k = 0;
        for (int l = 0; l < labels.length; l++) {
            float[] row = rows[l];
            for (int f = 0; f < n; f++) {
                if (row[f] != 0 && Math.abs(row[f]) > prune) {
                    indices[k] = f;
                    data[k++] = row[f];
                }
            }
            indptr[l + 1] = k;
            rows[l] = null;
        }
        return new LinearClassifier(settings, vectorizer, labels, intercept, indptr, indices, data);
    }

    /** The weights of one label's model, the intercept last, as positive-class decision weights. */
    private static double[] trainOne(Feature[][] x, int n, List<LabeledText> texts, String label, Settings s) {
        Problem p = new Problem();
        p.l = x.length;
        p.n = n + 1;
        p.x = x;
        p.bias = -1;
        p.y = new double[x.length];
        boolean any = false;
        for (int i = 0; i < x.length; i++) {
            boolean positive = texts.get(i).labels().contains(label);
            p.y[i] = positive ? 1 : -1;
            any |= !positive;
        }
        if (!any) {
            // Every text has the label: LIBLINEAR needs two classes; the model says yes to everything.
            double[] w = new double[n + 1];
            w[n] = 10;
            return w;
        }
        Model m = Linear.train(p, new Parameter(s.loss().solver, s.c(), s.epsilon()));
        double[] w = m.getFeatureWeights();
        // LIBLINEAR's weights are for its first label, the class of the first text.
        double sign = m.getLabels()[0] == 1 ? 1 : -1;
        double[] out = new double[n + 1];
        for (int f = 0; f <= n; f++) {
            out[f] = sign * w[f];
        }
        return out;
    }

    /** The settings it was trained with. */
    public Settings settings() {
        return settings;
    }

    /** Its vocabulary. */
    public TfIdfVectorizer vectorizer() {
        return vectorizer;
    }

    /** Number of stored (non-zero) weights. */
    public long nonZeroWeights() {
        return data.length;
    }

    @Override
    public Set<String> labels() {
        return Set.of(labels);
    }

    /** Each label's decision value (margin) for a TF-IDF row, in label order. */
    private double[] decisions(SparseVector x) {
        double[] d = new double[labels.length];
        for (int l = 0; l < d.length; l++) {
            d[l] = intercept[l];
        }
        int[] idx = x.indices();
        float[] val = x.values();
        for (int j = 0; j < idx.length; j++) {
            int f = idx[j];
            float v = val[j];
            for (int k = featureStart[f]; k < featureStart[f + 1]; k++) {
                d[featureLabel[k]] += v * featureWeight[k];
            }
        }
        return d;
    }

    @Override
    public List<LabelScore> scores(String text) {
        double[] d = decisions(vectorizer.transform(text));
        List<LabelScore> out = new ArrayList<>(d.length);
        for (int l = 0; l < d.length; l++) {
            out.add(new LabelScore(labels[l], 1 / (1 + Math.exp(-d[l]))));
        }
        out.sort((a, b) -> Double.compare(b.score(), a.score()));
        return out;
    }

    @Override
    public List<List<LabelScore>> scores(List<String> texts) {
        return texts.parallelStream().map(this::scores).toList();
    }

    private float weight(int label, int feature) {
        int lo = (int) indptr[label];
        int hi = (int) indptr[label + 1] - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int f = indices[mid];
            if (f < feature) {
                lo = mid + 1;
            } else if (f > feature) {
                hi = mid - 1;
            } else {
                return data[mid];
            }
        }
        return 0;
    }

    @Override
    public List<TermSpan> evidence(String text, String label, int limit) {
        int l = java.util.Arrays.binarySearch(labels, label);
        if (l < 0) {
            throw new CoderInputException("Unknown label '" + label + "'; the classifier knows " + labels.length
                    + " labels");
        }
        return TermEvidence.strongest(vectorizer, text, limit, f -> weight(l, f));
    }

    @Override
    public void save(Path folder) {
        vectorizer.save(folder);
        Weights.writeCsr(folder.resolve(WEIGHTS_FILE), indptr, indices, data, intercept, vectorizer.size());
        Weights.writeLabels(folder.resolve(LABELS_FILE), labels);
        try {
            Files.writeString(folder.resolve(SETTINGS_FILE), JSON.writeValueAsString(settings) + "\n");
        } catch (IOException e) {
            throw new CoderException("Cannot write " + folder.resolve(SETTINGS_FILE) + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads a classifier saved by {@link #save}.
     *
     * @throws CoderInputException when a file is missing or does not fit the others
     */
    public static LinearClassifier load(Path folder) {
        Settings settings;
        try {
            settings = JSON.readValue(Files.readString(folder.resolve(SETTINGS_FILE)), Settings.class);
        } catch (NoSuchFileException e) {
            throw new CoderInputException(folder + " has no " + SETTINGS_FILE + "; it is not a saved linear "
                    + "classifier", e);
        } catch (IOException e) {
            throw new CoderInputException("Cannot read " + folder.resolve(SETTINGS_FILE) + ": " + e.getMessage(), e);
        }
        TfIdfVectorizer vectorizer = TfIdfVectorizer.load(folder);
        String[] labels = Weights.readLabels(folder.resolve(LABELS_FILE));
        Weights.Csr w = Weights.readCsr(folder.resolve(WEIGHTS_FILE), labels.length, vectorizer.size());
        return new LinearClassifier(settings, vectorizer, labels, w.intercept(), w.indptr(), w.indices(), w.data());
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "LinearClassifier[%s C=%s, %d labels, %d features, %d weights]",
                settings.loss(), settings.c(), labels.length, vectorizer.size(), data.length);
    }
}
