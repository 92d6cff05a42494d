package org.den4j.bench;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.ModelParameters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.den4j.lm.GenerationConfig;
import org.den4j.lm.Generator;
import org.den4j.lm.LanguageModel;
import org.den4j.lm.io.Qwen2Config;

/**
 * The check of {@code ./jbang test-export}: a model exported to GGUF answers the coder prompt in llama.cpp as it does
 * in den4j. Both run greedy decoding of "Predict the medical codes for the following text: {note}" on the same
 * notes; the table gives each engine's codes, their agreement (the Jaccard index of the two code sets, 1 when both
 * are empty), whether the texts are identical, and each engine's tokens per second.
 *
 * <pre>{@code
 * ExportCheck.Report r = ExportCheck.builder(Path.of("out/coder-merged"), Path.of("coder-f32.gguf"))
 *         .notes(List.of("Pt with CHF ...")).build().run();
 * System.out.print(r.table());
 * }</pre>
 *
 * <p>Passing, by default, means identical greedy output on every note, as an F32 export must give; with
 * {@link Builder#minAgreement} the mean agreement must reach the value instead (for quantized exports). It checks the
 * model folder's language model; the {@code lm-generate} coder's trie constraint is den4j's alone and is not part of
 * the comparison.
 */
public final class ExportCheck {
    /** The coder prompt, as {@code config/training-config.yaml} ships it. */
    public static final String PROMPT = "Predict the medical codes for the following text: {note}";

    private final Path model;
    private final Path gguf;
    private final List<String> notes;
    private final int maxNewTokens;
    private final Double minAgreement;
    private final int threads;
    private final String promptTemplate;

    private ExportCheck(Builder b) {
        this.model = b.model;
        this.gguf = b.gguf;
        this.notes = List.copyOf(b.notes);
        this.maxNewTokens = b.maxNewTokens;
        this.minAgreement = b.minAgreement;
        this.threads = b.threads;
        this.promptTemplate = b.promptTemplate;
    }

    /** A check of the Hugging Face folder {@code model} against its export {@code gguf}. */
    public static Builder builder(Path model, Path gguf) {
        return new Builder(model, gguf);
    }

    /**
     * One note's answers.
     *
     * @param den4j den4j's greedy answer
     * @param llama llama.cpp's greedy answer from the GGUF
     * @param agreement the Jaccard index of the two answers' code sets (1 when both are empty)
     * @param identical whether the two texts are equal
     * @param den4jTokens tokens den4j generated
     * @param den4jSeconds den4j's time, prompt included
     * @param llamaTokens tokens llama.cpp generated (its answer encoded by the model's tokenizer)
     * @param llamaSeconds llama.cpp's time, prompt included
     */
    public record NoteResult(String den4j, String llama, double agreement, boolean identical, int den4jTokens,
            double den4jSeconds, int llamaTokens, double llamaSeconds) {
    }

    /**
     * The check's outcome.
     *
     * @param notes each note's answers, in order
     * @param agreement the mean agreement over notes
     * @param identical the share of notes with identical texts
     * @param passed whether the export passed ({@code minAgreement} null: every note identical)
     * @param minAgreement the threshold asked for, or null for identical output
     */
    public record Report(List<NoteResult> notes, double agreement, double identical, boolean passed,
            Double minAgreement) {
        /** den4j's tokens per second over all notes. */
        public double den4jTokensPerSecond() {
            return notes.stream().mapToInt(NoteResult::den4jTokens).sum()
                    / Math.max(1e-9, notes.stream().mapToDouble(NoteResult::den4jSeconds).sum());
        }

        /** llama.cpp's tokens per second over all notes. */
        public double llamaTokensPerSecond() {
            return notes.stream().mapToInt(NoteResult::llamaTokens).sum()
                    / Math.max(1e-9, notes.stream().mapToDouble(NoteResult::llamaSeconds).sum());
        }

        /** The table {@code test-export} prints. */
        public String table() {
            StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "%-4s  %-30s  %-30s  %9s  %9s%n", "note",
                    "den4j codes", "llama.cpp codes", "agreement", "identical"));
            for (int i = 0; i < notes.size(); i++) {
                NoteResult n = notes.get(i);
                s.append(String.format(Locale.ROOT, "%-4d  %-30s  %-30s  %9.2f  %9s%n", i + 1, cut(n.den4j()),
                        cut(n.llama()), n.agreement(), n.identical() ? "yes" : "NO"));
            }
            s.append(String.format(Locale.ROOT, "overall: agreement %.3f, identical %d of %d; tokens/s den4j %.1f, "
                    + "llama.cpp %.1f%n", agreement, Math.round(identical * notes.size()), notes.size(),
                    den4jTokensPerSecond(), llamaTokensPerSecond()));
            s.append(passed ? "PASS" : "FAIL").append(": ").append(minAgreement == null
                    ? "identical greedy output on every note required"
                    : String.format(Locale.ROOT, "mean agreement >= %.3f required", minAgreement)).append('\n');
            return s.toString();
        }

        private static String cut(String text) {
            String t = text.strip().replace('\n', ' ');
            return t.length() <= 30 ? t : t.substring(0, 27) + "...";
        }
    }

    /**
     * Runs both engines on every note.
     *
     * @throws IllegalArgumentException when the model folder or the GGUF file does not exist, or there are no notes
     */
    public Report run() {
        if (!Files.isRegularFile(model.resolve(Qwen2Config.FILE))) {
            throw new IllegalArgumentException("Model folder " + model + " has no " + Qwen2Config.FILE + "; give the "
                    + "Hugging Face folder that was exported (for an lm-generate coder, its merged model)");
        }
        if (!Files.isRegularFile(gguf)) {
            throw new IllegalArgumentException("GGUF file " + gguf + " does not exist; write it with ./jbang "
                    + "export-model");
        }
        if (notes.isEmpty()) {
            throw new IllegalArgumentException("No notes to check the export on; give --notes N of at least 1");
        }
        int context = Qwen2Config.read(model.resolve(Qwen2Config.FILE)).maxPositionEmbeddings();
        List<String> prompts = new ArrayList<>();
        List<NoteResult> results = new ArrayList<>();
        List<String> den4j = new ArrayList<>();
        List<int[]> den4jTokens = new ArrayList<>();
        List<Double> den4jSeconds = new ArrayList<>();
        try (LanguageModel lm = LanguageModel.load(model, "cpu", "float32")) {
            Generator generator = lm.newGenerator();
            // a warm-up, so that tokens/s measures generation and not PyTorch's first call
            generator.generate(lm.encode(promptTemplate.replace("{note}", "warm-up")), GenerationConfig.greedy(2));
            for (String note : notes) {
                String prompt = fit(lm, note, context - maxNewTokens - 8);
                prompts.add(prompt);
                int[] ids = lm.encode(prompt);
                long t0 = System.nanoTime();
                int[] out = generator.generate(ids, GenerationConfig.greedy(maxNewTokens));
                den4jSeconds.add((System.nanoTime() - t0) / 1e9);
                den4jTokens.add(out);
                den4j.add(lm.decode(out));
            }
            ModelParameters params = new ModelParameters().setModel(gguf.toString()).setThreads(threads)
                    .setThreadsBatch(threads).setCtxSize(context).disableLog();
            try (LlamaModel llama = new LlamaModel(params)) {
                llama.complete(new InferenceParameters(promptTemplate.replace("{note}", "warm-up")).setNPredict(2)
                        .setTemperature(0f));
                for (int i = 0; i < prompts.size(); i++) {
                    long t0 = System.nanoTime();
                    String answer = llama.complete(new InferenceParameters(prompts.get(i)).setTemperature(0f)
                            .setNPredict(maxNewTokens).setRepeatPenalty(1f).setFrequencyPenalty(0f)
                            .setPresencePenalty(0f).setSeed(0).setCachePrompt(false));
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    results.add(new NoteResult(den4j.get(i), answer, agreement(den4j.get(i), answer),
                            den4j.get(i).equals(answer), den4jTokens.get(i).length, den4jSeconds.get(i),
                            lm.encode(answer).length, seconds));
                }
            }
        }
        double agreement = results.stream().mapToDouble(NoteResult::agreement).average().orElse(0);
        double identical = results.stream().filter(NoteResult::identical).count() / (double) results.size();
        boolean passed = minAgreement == null ? identical == 1.0 : agreement >= minAgreement;
        return new Report(results, agreement, identical, passed, minAgreement);
    }

    /** The prompt of a note, the note cut (at the end) until the prompt fits in {@code maxTokens}. */
    private String fit(LanguageModel lm, String note, int maxTokens) {
        String n = note.strip();
        String prompt = promptTemplate.replace("{note}", n);
        while (lm.encode(prompt).length > maxTokens && n.length() > 16) {
            n = n.substring(0, (int) (n.length() * 0.85));
            prompt = promptTemplate.replace("{note}", n);
        }
        return prompt;
    }

    /** The codes of an answer: its comma-separated items, stripped, without empty ones. */
    public static Set<String> codes(String answer) {
        Set<String> out = new LinkedHashSet<>();
        for (String part : answer.split("[,\\n]")) {
            String c = part.strip();
            if (!c.isEmpty()) {
                out.add(c);
            }
        }
        return out;
    }

    /** The Jaccard index of two answers' code sets; 1 when both are empty. */
    public static double agreement(String a, String b) {
        Set<String> x = codes(a);
        Set<String> y = codes(b);
        if (x.isEmpty() && y.isEmpty()) {
            return 1.0;
        }
        Set<String> union = new LinkedHashSet<>(x);
        union.addAll(y);
        Set<String> both = new LinkedHashSet<>(x);
        both.retainAll(y);
        return both.size() / (double) union.size();
    }

    /** Builds an {@link ExportCheck}. */
    public static final class Builder {
        private final Path model;
        private final Path gguf;
        private List<String> notes = List.of();
        private int maxNewTokens = 32;
        private Double minAgreement;
        private int threads = Runtime.getRuntime().availableProcessors();
        private String promptTemplate = PROMPT;

        private Builder(Path model, Path gguf) {
            this.model = Objects.requireNonNull(model, "model");
            this.gguf = Objects.requireNonNull(gguf, "gguf");
        }

        /** The notes to answer. */
        public Builder notes(List<String> notes) {
            this.notes = List.copyOf(notes);
            return this;
        }

        /** The longest answer, in tokens (default 32). */
        public Builder maxNewTokens(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("--max-new-tokens must be at least 1, was " + n);
            }
            this.maxNewTokens = n;
            return this;
        }

        /** Pass on a mean agreement of at least this (0..1) instead of identical output. */
        public Builder minAgreement(Double min) {
            if (min != null && !(min >= 0 && min <= 1)) {
                throw new IllegalArgumentException("--min-agreement must be in [0, 1], was " + min);
            }
            this.minAgreement = min;
            return this;
        }

        /** llama.cpp's threads (default: all processors). */
        public Builder threads(int n) {
            this.threads = Math.max(1, n);
            return this;
        }

        /** The prompt, with {@code {note}} where the note goes. */
        public Builder promptTemplate(String template) {
            if (!template.contains("{note}")) {
                throw new IllegalArgumentException("The prompt template has no {note}: " + template);
            }
            this.promptTemplate = template;
            return this;
        }

        public ExportCheck build() {
            return new ExportCheck(this);
        }
    }
}
