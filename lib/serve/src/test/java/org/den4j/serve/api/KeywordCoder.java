package org.den4j.serve.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.den4j.coder.Code;
import org.den4j.coder.CodeDictionary;
import org.den4j.coder.CodeSystem;
import org.den4j.coder.CoderConfig;
import org.den4j.coder.CoderFormat;
import org.den4j.coder.CoderInputException;
import org.den4j.coder.CoderModel;
import org.den4j.coder.CoderTraining;
import org.den4j.coder.Evidence;
import org.den4j.coder.IcdCoder;
import org.den4j.coder.IcdVersion;
import org.den4j.coder.PredictOptions;
import org.den4j.coder.PredictedCode;
import org.den4j.coder.Prediction;
import org.den4j.coder.ScoredCode;

/**
 * A small real coder for the API's tests until the classical coders are on main: a code is assigned when one of its
 * keywords ({@code keywords.tsv}: {@code keyword<TAB>score<TAB>SYSTEM|CODE}) occurs in the note, with the keyword's
 * spans as evidence. {@code load_delay_ms} in the folder slows its loading; a note containing {@code [[sleep:N]]}
 * takes N ms to code (for timeouts). It records whether it was closed, to check that swaps close old coders.
 */
final class KeywordCoder implements IcdCoder {
    static final String KIND = "keyword-test";
    private final CoderModel model;
    private final CodeDictionary dictionary;
    private final Map<String, ScoredCode> keywords;
    final AtomicBoolean closed = new AtomicBoolean();

    KeywordCoder(CoderModel model, CodeDictionary dictionary, Map<String, ScoredCode> keywords) {
        this.model = model;
        this.dictionary = dictionary;
        this.keywords = keywords;
    }

    /** Writes a coder folder with these keywords ({@code "chf" -> ICD-10-CM|I50.9 at 0.9}). */
    static Path write(Path folder, Map<String, ScoredCode> keywords, Map<Code, String> descriptions, long loadDelayMs)
            throws IOException {
        Files.createDirectories(folder);
        new CoderConfig(CoderConfig.FORMAT, CoderConfig.FORMAT_VERSION, KIND, List.of("icd10"), null,
                Map.of("validation_micro_f1", 0.5), Map.of("notes", 3), "2026-12-07T00:00:00Z").write(folder);
        CodeDictionary.of(descriptions).write(folder);
        StringBuilder b = new StringBuilder();
        keywords.forEach((k, v) -> b.append(k).append('\t').append(v.score()).append('\t').append(v.code().key())
                .append('\n'));
        Files.writeString(folder.resolve("keywords.tsv"), b.toString());
        if (loadDelayMs > 0) {
            Files.writeString(folder.resolve("load_delay_ms"), String.valueOf(loadDelayMs));
        }
        return folder;
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public CoderModel model() {
        return model;
    }

    @Override
    public CodeDictionary dictionary() {
        return dictionary;
    }

    @Override
    public Set<IcdVersion> versions() {
        return Set.of(IcdVersion.ICD10);
    }

    @Override
    public Prediction predict(String text, PredictOptions options) {
        long start = System.nanoTime();
        IcdCoder.requireText(text);
        if (closed.get()) {
            throw new IllegalStateException("coder " + model.version() + " used after close");
        }
        if (options.version() == IcdVersion.ICD9) {
            throw new CoderInputException("This coder was trained on icd10 only; ask for icd10");
        }
        sleepIfAsked(text);
        String lower = text.toLowerCase(Locale.ROOT);
        List<PredictedCode> codes = new ArrayList<>();
        for (Map.Entry<String, ScoredCode> e : keywords.entrySet()) {
            List<Evidence> spans = new ArrayList<>();
            for (int i = lower.indexOf(e.getKey()); i >= 0; i = lower.indexOf(e.getKey(), i + 1)) {
                spans.add(new Evidence(i, i + e.getKey().length(), text.substring(i, i + e.getKey().length())));
            }
            double threshold = options.threshold() == null ? 0.5 : options.threshold();
            if (!spans.isEmpty() && e.getValue().score() >= threshold) {
                codes.add(PredictedCode.of(e.getValue().code(), dictionary, e.getValue().score(),
                        options.evidence() ? spans : List.of()));
            }
        }
        codes.sort(Comparator.comparingDouble(PredictedCode::score).reversed().thenComparing(PredictedCode::code));
        if (options.topK() != null && codes.size() > options.topK()) {
            codes = codes.subList(0, options.topK());
        }
        return new Prediction(codes, model, (System.nanoTime() - start) / 1_000_000);
    }

    private static void sleepIfAsked(String text) {
        int i = text.indexOf("[[sleep:");
        if (i >= 0) {
            long ms = Long.parseLong(text.substring(i + 8, text.indexOf("]]", i)));
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public List<ScoredCode> rank(String text, IcdVersion version, int limit) {
        return predict(text, PredictOptions.DEFAULTS.withThreshold(0.0)).codes().stream().limit(limit)
                .map(c -> new ScoredCode(c.asCode(), c.score())).toList();
    }

    @Override
    public void close() {
        closed.set(true);
    }

    /** The kind's format, registered in the test resources' META-INF/services. */
    public static final class Format implements CoderFormat {
        @Override
        public String kind() {
            return KIND;
        }

        @Override
        public String description() {
            return "keywords to codes (den4j's API tests only)";
        }

        @Override
        public IcdCoder load(Path folder, CoderModel model, LoadOptions options) {
            try {
                Path delay = folder.resolve("load_delay_ms");
                if (Files.exists(delay)) {
                    Thread.sleep(Long.parseLong(Files.readString(delay).strip()));
                }
                Map<String, ScoredCode> keywords = new LinkedHashMap<>();
                for (String line : Files.readAllLines(folder.resolve("keywords.tsv"))) {
                    String[] p = line.split("\t");
                    if (p.length == 3) {
                        keywords.put(p[0], new ScoredCode(Code.ofKey(p[2]), Double.parseDouble(p[1])));
                    }
                }
                return GenerativeServingTest.wrapIfGenerative(folder, new KeywordCoder(model,
                        CodeDictionary.read(folder), keywords));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        @Override
        public Path train(CoderTraining training) {
            throw new UnsupportedOperationException("the keyword test coder is written, not trained");
        }
    }

    /** The codes of the tests' notes. */
    static Map<Code, String> descriptions() {
        Map<Code, String> d = new LinkedHashMap<>();
        d.put(new Code("I50.9", CodeSystem.ICD10_CM), "Heart failure, unspecified");
        d.put(new Code("E11.9", CodeSystem.ICD10_CM), "Type 2 diabetes mellitus without complications");
        d.put(new Code("I10", CodeSystem.ICD10_CM), "Essential (primary) hypertension");
        return d;
    }

    static Map<String, ScoredCode> keywords(double scale) {
        Map<String, ScoredCode> k = new LinkedHashMap<>();
        k.put("chf", new ScoredCode(new Code("I50.9", CodeSystem.ICD10_CM), 0.9 * scale));
        k.put("diabetes", new ScoredCode(new Code("E11.9", CodeSystem.ICD10_CM), 0.8 * scale));
        k.put("hypertension", new ScoredCode(new Code("I10", CodeSystem.ICD10_CM), 0.7 * scale));
        return k;
    }
}
