package org.den4j.pipeline;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.den4j.data.AdmissionNotes;
import org.den4j.data.ImportReport;
import org.den4j.data.MimicImport;
import org.den4j.data.MimicVersion;
import org.den4j.data.PromptEncoder;
import org.den4j.data.SyntheticMimic;
import org.den4j.data.TokenSetWriter;
import org.den4j.data.TokenStats;
import org.den4j.data.TrainingConfig;
import org.den4j.den.Den;
import org.den4j.den.ModelMetadata;
import org.den4j.den.PushRequest;
import org.den4j.den.PushResult;
import org.den4j.den.io.FileTree;
import org.den4j.lm.GenerationConfig;
import org.den4j.lm.LanguageModel;
import org.den4j.lm.LoraAdapter;
import org.den4j.lm.kit.KitReport;
import org.den4j.lm.kit.KitSize;
import org.den4j.lm.kit.ModelKit;
import org.den4j.lm.kit.NoteCorpus;

/**
 * The main job on embedded defaults, end to end and with no data or weights to bring: a synthetic MIMIC-IV
 * release, loaded into DuckDB with patient splits; den4j's own small Qwen2 base model built from its notes;
 * prompt/completion token sets; a LoRA fine-tune; the base and the fine-tune scored on held-out notes by the
 * codes they generate; both pushed to the den, the fine-tune naming the base as its parent.
 *
 * <pre>{@code
 * try (Den den = Den.open()) {
 *     PipelineReport report = Pipeline.builder(Path.of("output/pipeline")).den(den).build().run();
 *     System.out.println(report.toText());
 * }
 * }</pre>
 *
 * <p>Every run starts its work folder afresh (it is derived data). The embedded model is tiny and briefly
 * trained: the run shows that every part works together; its scores are not those of a useful coder, which
 * needs a real base model ({@code model.name} in the training configuration).
 */
public final class Pipeline {
    /** The den name of the embedded base model, as {@code config/training-config.yaml} names it. */
    public static final String BASE_NAME = ModelKit.DEFAULT_NAME;
    /** The den name of the fine-tuned adapter. */
    public static final String CODER_NAME = "den4j/icd-coder-lora";
    /** The den name of the coders the job trains; {@code den4j/icd-coder@champion} is the users' default. */
    public static final String CODERS_NAME = CoderRace.NAME;
    /** The coder kinds the job trains by default: the linear baseline, naive Bayes and label attention. */
    public static final List<String> DEFAULT_CODERS = List.of("linear", "naive-bayes", "lm-label-attention");

    private final Path workDir;
    private final int patients;
    private final long seed;
    private final KitSize kitSize;
    private final int trainSteps;
    private final int evalNotes;
    private final int maxNewTokens;
    private final TrainingConfig baseConfig;
    private final Den den;
    private final PrintStream log;
    private final List<String> coderKinds;

    private Pipeline(Builder b) {
        this.workDir = b.workDir.toAbsolutePath().normalize();
        this.patients = b.patients;
        this.coderKinds = b.coderKinds;
        this.seed = b.seed;
        this.kitSize = b.kitSize;
        this.trainSteps = b.trainSteps;
        this.evalNotes = b.evalNotes;
        this.maxNewTokens = b.maxNewTokens;
        this.baseConfig = b.config;
        this.den = b.den;
        this.log = b.log;
    }

    /** A pipeline that works in {@code workDir} (made afresh by every run). */
    public static Builder builder(Path workDir) {
        return new Builder(workDir);
    }

    /**
     * Runs every step and returns what each produced.
     *
     * @throws PipelineException when the work folder cannot be made; the data and lm modules' exceptions
     *     ({@code DataException}, {@code LmException}) and the den's pass through with their own messages
     */
    public PipelineReport run() {
        long started = System.nanoTime();
        List<PipelineReport.Step> steps = new ArrayList<>();
        prepareWorkDir();

        long t = System.nanoTime();
        Path mimic = workDir.resolve("mimic-iv");
        SyntheticMimic.Summary synthetic = SyntheticMimic.builder(MimicVersion.MIMIC_IV).patients(patients).seed(seed)
                .progress(log).build().write(mimic);
        steps.add(step("synthetic MIMIC-IV", t, synthetic.patients() + " patients, " + synthetic.admissions()
                + " admissions, " + synthetic.dischargeNotes() + " discharge notes in " + mimic));

        t = System.nanoTime();
        ImportReport imported = MimicImport.builder(mimic, MimicVersion.MIMIC_IV).outputDir(workDir.resolve("data"))
                .seed(seed).drop(true).progress(log).build().run();
        steps.add(step("MIMIC into DuckDB", t, imported.facts() + " admissions with notes and codes, splits "
                + imported.splitSizes() + ", " + imported.database()));

        t = System.nanoTime();
        Path base = workDir.resolve("base-model");
        KitReport kit = new ModelKit(kitSize, seed, log).build(new NoteCorpus(imported.database(),
                AdmissionNotes.read(imported.database(), 20_000_000L)).requireText(), base);
        steps.add(step("embedded base model", t, String.format(Locale.ROOT, "%,d parameters, vocabulary %d, "
                + "pre-trained %d steps (loss %.3f) on %d notes, %s", kit.parameters(), kit.vocabSize(),
                kit.trainSteps(), kit.finalLoss(), kit.documents(), base)));

        TrainingConfig config = configFor(base, imported.database());
        t = System.nanoTime();
        TokenStats tokens = TokenSetWriter.builder(config).tokenizer(base).progress(log).build().write();
        steps.add(step("token sets", t, tokens.splits().stream().map(s -> s.split() + " " + s.examples())
                .reduce((a, b) -> a + ", " + b).orElse("none") + " examples, " + tokens.database()));

        t = System.nanoTime();
        Path adapter = workDir.resolve("icd-coder-lora");
        FineTune.Outcome tuned = FineTune.run(FineTune.Request.of(config, adapter).withDevice("auto")
                .withMaxSteps(trainSteps), new PrintWriter(log, true, StandardCharsets.UTF_8));
        steps.add(step("LoRA fine-tune", t, String.format(Locale.ROOT, "%d steps on %d examples, loss %.3f -> %.3f, "
                + "validation loss %.3f, %s", tuned.result().steps(), tuned.trainExamples(),
                tuned.result().history().isEmpty() ? Double.NaN : tuned.result().history().get(0).loss(),
                tuned.result().finalLoss(), tuned.result().finalEvalLoss(), adapter)));

        t = System.nanoTime();
        List<HeldOutNote> notes = heldOutNotes(imported.database(), evalNotes);
        CodeScores baseScores = score(config, base, null, notes);
        CodeScores tunedScores = score(config, base, adapter, notes);
        steps.add(step("scored on held-out notes", t, "base " + baseScores + "; fine-tuned " + tunedScores));

        List<CoderRace.Entry> coders = List.of();
        String coderTable = "";
        if (!coderKinds.isEmpty()) {
            t = System.nanoTime();
            coders = CoderRace.run(imported.database(), workDir.resolve("coders"), coderKinds, base, seed, log);
            int testNotes = coders.get(0).result().predicted().size();
            coderTable = CoderRace.table(coders, testNotes);
            steps.add(step("ICD coders", t, coders.size() + " kinds trained on the same split and measured on "
                    + testNotes + " test notes: " + coders.stream().map(e -> String.format(Locale.ROOT,
                            "%s micro-F1 %.3f", e.kind(), e.result().metrics().microF1())).reduce((a, b) -> a + ", "
                            + b).orElse("")));
        }

        List<String> pushed = new ArrayList<>();
        String lineage = "";
        if (den != null) {
            t = System.nanoTime();
            PushResult basePush = ModelKit.push(den, base, BASE_NAME, kit);
            ModelMetadata coderMetadata = ModelMetadata.builder().modelType(ModelMetadata.LANGUAGE)
                    .architecture("qwen2").metric("micro_f1", tunedScores.f1())
                    .metric("validation_loss", tuned.result().finalEvalLoss()).extra("adapter", "peft-lora").build();
            PushResult coderPush = den.push(PushRequest.builder(adapter, CODER_NAME).parent(basePush.model().ref())
                    .description("LoRA adapter for ICD coding, fine-tuned " + tuned.result().steps() + " steps on "
                            + tuned.trainExamples() + " synthetic MIMIC-IV notes")
                    .tags(List.of("icd-coding", "lora", "peft", "synthetic")).metadata(coderMetadata).build());
            pushed.add(basePush.model().ref());
            pushed.add(coderPush.model().ref());
            if (!coders.isEmpty()) {
                pushed.addAll(CoderRace.push(den, coders, basePush.model().ref()));
            }
            lineage = den.tree(basePush.model().ref()).render();
            steps.add(step("pushed to the den", t, String.join(" and ", pushed) + " in " + den.location()));
        }
        return new PipelineReport(workDir, steps, baseScores, tunedScores, pushed, lineage,
                Duration.ofNanos(System.nanoTime() - started), coderTable);
    }

    private TrainingConfig configFor(Path base, Path database) {
        TrainingConfig c = baseConfig;
        TrainingConfig.Model m = c.model();
        TrainingConfig.Data d = c.data();
        return new TrainingConfig(c.file(), new TrainingConfig.Model(BASE_NAME, base, m.maxLength(), m.dtype()), c.lora(),
                c.training(), new TrainingConfig.Data(database, workDir.resolve("tokens"), d.promptTemplate(),
                        d.maxLength(), d.threads()), c.logging());
    }

    /** A held-out admission: its note and the codes assigned to it. */
    record HeldOutNote(long hadmId, String note, List<String> codes) {
    }

    private static List<HeldOutNote> heldOutNotes(Path database, int limit) {
        List<HeldOutNote> notes = new ArrayList<>();
        java.util.Properties readOnly = new java.util.Properties();
        readOnly.setProperty("duckdb.read_only", "true");
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + database, readOnly);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT hadm_id, note_text, diagnosis_codes, procedure_codes FROM "
                        + "split_test ORDER BY hadm_id LIMIT " + limit)) {
            while (rs.next()) {
                List<String> codes = new ArrayList<>(strings(rs.getArray(3)));
                codes.addAll(strings(rs.getArray(4)));
                notes.add(new HeldOutNote(rs.getLong(1), rs.getString(2), codes));
            }
        } catch (SQLException e) {
            throw new PipelineException("Cannot read the held-out notes (split_test) of " + database + ": "
                    + e.getMessage() + "; run prepare-mimic again", e);
        }
        return notes;
    }

    private static List<String> strings(Array array) throws SQLException {
        List<String> out = new ArrayList<>();
        if (array != null) {
            for (Object o : (Object[]) array.getArray()) {
                out.add(String.valueOf(o));
            }
        }
        return out;
    }

    /** Generates codes for each note, greedily, with the prompt cut as in training, and scores them. */
    private CodeScores score(TrainingConfig config, Path base, Path adapter, List<HeldOutNote> notes) {
        List<List<String>> predicted = new ArrayList<>();
        List<List<String>> gold = new ArrayList<>();
        try (LanguageModel lm = LanguageModel.load(base, "auto", "float32");
                PromptEncoder encoder = PromptEncoder.open(base.resolve(LanguageModel.TOKENIZER_FILE), config.data())) {
            LoraAdapter lora = adapter == null ? null : LoraAdapter.load(adapter, lm.model());
            try {
                if (lora != null) {
                    lm.model().attachAdapter(lora);
                }
                GenerationConfig greedy = GenerationConfig.greedy(maxNewTokens)
                        .withStopTokenIds(lm.model().config().eosTokenIds());
                for (HeldOutNote note : notes) {
                    int[] prompt = encoder.promptIds(note.note(), maxNewTokens);
                    String text = lm.decode(lm.newGenerator().generate(prompt, greedy));
                    predicted.add(CodeScores.parseCodes(text));
                    gold.add(note.codes());
                }
            } finally {
                if (lora != null) {
                    lora.close();
                }
            }
        }
        return CodeScores.of(predicted, gold);
    }

    private void prepareWorkDir() {
        try {
            FileTree.delete(workDir);
            Files.createDirectories(workDir);
        } catch (IOException | UncheckedIOException e) {
            throw new PipelineException("Cannot make the pipeline's work folder " + workDir + " afresh: " + e
                    + "; choose another one with --work-dir", e);
        }
    }

    private PipelineReport.Step step(String name, long startedNanos, String result) {
        PipelineReport.Step step = new PipelineReport.Step(name, Duration.ofNanos(System.nanoTime() - startedNanos),
                result);
        log.println("pipeline: " + step.toText());
        return step;
    }

    /** Options of a run; only the work folder is required. */
    public static final class Builder {
        private final Path workDir;
        private int patients = 300;
        private long seed = 42;
        private KitSize kitSize = KitSize.QUICK;
        private int trainSteps = 30;
        private int evalNotes = 8;
        private int maxNewTokens = 48;
        private TrainingConfig config = TrainingConfig.defaults();
        private Den den;
        private PrintStream log = System.err;
        private List<String> coderKinds = DEFAULT_CODERS;

        private Builder(Path workDir) {
            this.workDir = Objects.requireNonNull(workDir, "workDir");
        }

        /** Synthetic patients (default 300). */
        public Builder patients(int patients) {
            if (patients < 20) {
                throw new IllegalArgumentException("patients must be at least 20 (for three splits) but was " + patients);
            }
            this.patients = patients;
            return this;
        }

        /** The seed of the data, the splits, the weights and training (default 42). */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** The embedded model's size (default quick); its pre-training steps are the size's. */
        public Builder kitSize(KitSize kitSize) {
            this.kitSize = Objects.requireNonNull(kitSize, "kitSize");
            return this;
        }

        /** LoRA optimizer steps (default 30). */
        public Builder trainSteps(int trainSteps) {
            if (trainSteps < 1) {
                throw new IllegalArgumentException("trainSteps must be at least 1 but was " + trainSteps);
            }
            this.trainSteps = trainSteps;
            return this;
        }

        /** Held-out notes to score (default 8). */
        public Builder evalNotes(int evalNotes) {
            if (evalNotes < 1) {
                throw new IllegalArgumentException("evalNotes must be at least 1 but was " + evalNotes);
            }
            this.evalNotes = evalNotes;
            return this;
        }

        /** The training configuration whose LoRA, training and prompt settings apply (default: the shipped ones). */
        public Builder config(TrainingConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        /** The den that receives the base model and the fine-tune; none: nothing is pushed. */
        /**
         * The coder kinds to train, measure and push (default {@link #DEFAULT_CODERS}; empty for none). The first
         * should be {@code linear}: the others are compared against it.
         */
        public Builder coders(List<String> kinds) {
            this.coderKinds = List.copyOf(kinds);
            return this;
        }

        public Builder den(Den den) {
            this.den = den;
            return this;
        }

        /** Where progress goes (default: stderr). */
        public Builder log(PrintStream log) {
            this.log = Objects.requireNonNull(log, "log");
            return this;
        }

        public Pipeline build() {
            return new Pipeline(this);
        }
    }
}
