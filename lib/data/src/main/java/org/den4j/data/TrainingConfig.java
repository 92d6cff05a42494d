package org.den4j.data;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.den4j.command.ConfigKeys;

/**
 * The training configuration, {@code config/training-config.yaml}: the model, LoRA, training, data and
 * logging sections read by {@code prepare-tokens} and by training.
 *
 * <pre>{@code
 * model:    {name: den4j/tiny-qwen2, path: null, max_length: 512, dtype: float32}
 * lora:     {r: 8, alpha: 16, dropout: 0.05, target_modules: [q_proj, k_proj, v_proj, o_proj]}
 * training: {epochs: 1, max_steps: -1, batch_size: 4, gradient_accumulation_steps: 1, learning_rate: 2.0e-4,
 *            weight_decay: 0.0, warmup_steps: 10, lr_scheduler: cosine, max_grad_norm: 1.0,
 *            eval_every: 50, save_every: 100, seed: 42}
 * data:     {database: data/mimic-dataset.duckdb, tokens_dir: data/tokens,
 *            prompt_template: "Predict the medical codes for the following text: {note}",
 *            max_length: 512, threads: 2}
 * logging:  {metrics_file: metrics.jsonl, log_every: 10}
 * }</pre>
 *
 * <p>A missing section or key takes the default shown above ({@link #defaults()}); an unknown key is an
 * error, so a typo never goes unnoticed. Relative paths stay relative: they are resolved against the
 * working folder (the repository root for {@code ./jbang} runs), not against the file's folder.
 *
 * <pre>{@code
 * TrainingConfig config = TrainingConfig.read(Path.of("config/training-config.yaml"));
 * int maxLength = config.data().maxLength();
 * }</pre>
 *
 * @param file the file this was read from, or null when built in code
 * @param model the model to fine-tune
 * @param lora the LoRA adapter's shape
 * @param training the optimizer and schedule
 * @param data where the data lives and how prompts are built
 * @param logging where metrics go
 */
public record TrainingConfig(Path file, Model model, Lora lora, Training training, Data data, Logging logging) {
    /** The configuration read when none is named, relative to the working folder. */
    public static final Path DEFAULT_FILE = Path.of("config", "training-config.yaml");

    public TrainingConfig {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(lora, "lora");
        Objects.requireNonNull(training, "training");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(logging, "logging");
    }

    /**
     * The model to fine-tune.
     *
     * @param name a den reference ({@code org/name}, {@code name@version}, {@code name@alias}) or a folder
     * @param path a folder that overrides {@code name} when set, or null
     * @param maxLength the longest sequence the model is trained on, in tokens
     * @param dtype {@code float32}, {@code float16} or {@code bfloat16}
     */
    public record Model(String name, Path path, int maxLength, String dtype) {
        /** The dtypes training accepts. */
        public static final List<String> DTYPES = List.of("float32", "float16", "bfloat16");
    }

    /**
     * The LoRA adapter.
     *
     * @param r the rank
     * @param alpha the scaling numerator (the update is scaled by {@code alpha / r})
     * @param dropout dropout on the adapter's input, in [0, 1)
     * @param targetModules the linear layers that get an adapter, such as {@code q_proj}
     */
    public record Lora(int r, double alpha, double dropout, List<String> targetModules) {
        public Lora {
            targetModules = List.copyOf(targetModules);
        }
    }

    /**
     * The optimizer and its schedule.
     *
     * @param epochs passes over the training split
     * @param maxSteps optimizer steps to stop after, or -1 for {@code epochs} full passes
     * @param batchSize examples per forward pass
     * @param gradientAccumulationSteps forward passes per optimizer step
     * @param learningRate the peak learning rate
     * @param weightDecay AdamW weight decay
     * @param warmupSteps steps of linear warm-up
     * @param lrScheduler {@code cosine}, {@code linear}, {@code constant} or {@code constant_with_warmup}
     * @param maxGradNorm gradient clipping norm, or 0 for none
     * @param evalEvery steps between validation runs
     * @param saveEvery steps between checkpoints
     * @param seed the seed for initialization and shuffling
     */
    public record Training(int epochs, int maxSteps, int batchSize, int gradientAccumulationSteps, double learningRate,
            double weightDecay, int warmupSteps, String lrScheduler, double maxGradNorm, int evalEvery, int saveEvery,
            long seed) {
        /** The schedulers training accepts. */
        public static final List<String> SCHEDULERS = List.of("cosine", "linear", "constant", "constant_with_warmup");
    }

    /**
     * Where the data lives and how training examples are built.
     *
     * @param database the DuckDB database written by {@code prepare-mimic}
     * @param tokensDir the folder where {@code prepare-tokens} writes {@code tokens.duckdb}
     * @param promptTemplate the prompt, with {@code {note}} where the note text goes
     * @param maxLength the longest tokenized example; longer notes are cut from the note side
     * @param threads tokenizer threads
     */
    public record Data(Path database, Path tokensDir, String promptTemplate, int maxLength, int threads) {
        /** The placeholder in {@link #promptTemplate()} that the note replaces. */
        public static final String NOTE_PLACEHOLDER = "{note}";

        /** The prompt for one note. */
        public String prompt(String note) {
            return promptTemplate.replace(NOTE_PLACEHOLDER, note);
        }
    }

    /**
     * Where training logs go.
     *
     * @param metricsFile the JSON-lines file of metrics, relative to the run's output folder
     * @param logEvery steps between log lines
     */
    public record Logging(Path metricsFile, int logEvery) {
    }

    /** The configuration with every default, as {@code config/training-config.yaml} ships it. */
    public static TrainingConfig defaults() {
        return new TrainingConfig(null,
                new Model("den4j/tiny-qwen2", null, 512, "float32"),
                new Lora(8, 16, 0.05, List.of("q_proj", "k_proj", "v_proj", "o_proj")),
                new Training(1, -1, 4, 1, 2.0e-4, 0.0, 10, "cosine", 1.0, 50, 100, 42),
                new Data(Path.of("data", "mimic-dataset.duckdb"), Path.of("data", "tokens"),
                        "Predict the medical codes for the following text: {note}", 512, 2),
                new Logging(Path.of("metrics.jsonl"), 10));
    }

    /**
     * Reads a training configuration from a YAML file.
     *
     * @throws TrainingConfigException naming the file and the key when the file is missing, is not YAML, or
     *     has an unknown key or a bad value
     */
    public static TrainingConfig read(Path file) {
        Objects.requireNonNull(file, "file");
        return parse(keys(file).read(), file);
    }

    private static ConfigKeys keys(Path file) {
        return ConfigKeys.of(file, "training configuration", DEFAULT_FILE, TrainingConfigException::new);
    }

    /**
     * Reads a training configuration from YAML text; {@code file} (may be null) is named in messages.
     *
     * @throws TrainingConfigException as {@link #read(Path)}
     */
    public static TrainingConfig parse(String yaml, Path file) {
        ConfigKeys r = keys(file);
        JsonNode root = r.root(yaml, Set.of("model", "lora", "training", "data", "logging"));
        TrainingConfig d = defaults();

        JsonNode m = r.section(root, "model", Set.of("name", "path", "max_length", "dtype"));
        String name = r.text(m, "model.name", d.model.name);
        String pathText = r.textOrNull(m, "model.path");
        Model model = new Model(name, pathText == null ? null : r.path("model.path", pathText),
                r.positiveInt(m, "model.max_length", d.model.maxLength),
                r.oneOf(m, "model.dtype", d.model.dtype, Model.DTYPES));

        JsonNode l = r.section(root, "lora", Set.of("r", "alpha", "dropout", "target_modules"));
        double dropout = r.number(l, "lora.dropout", d.lora.dropout);
        if (dropout < 0 || dropout >= 1) {
            throw r.bad("lora.dropout", dropout, "a number in [0, 1), such as 0.05");
        }
        double alpha = r.number(l, "lora.alpha", d.lora.alpha);
        if (alpha <= 0) {
            throw r.bad("lora.alpha", alpha, "a positive number, such as 16");
        }
        Lora lora = new Lora(r.positiveInt(l, "lora.r", d.lora.r), alpha, dropout,
                r.textList(l, "lora.target_modules", d.lora.targetModules, false, "[q_proj, v_proj]"));

        JsonNode t = r.section(root, "training", Set.of("epochs", "max_steps", "batch_size",
                "gradient_accumulation_steps", "learning_rate", "weight_decay", "warmup_steps", "lr_scheduler",
                "max_grad_norm", "eval_every", "save_every", "seed"));
        Training dt = d.training;
        int maxSteps = r.integer(t, "training.max_steps", dt.maxSteps);
        if (maxSteps == 0 || maxSteps < -1) {
            throw r.bad("training.max_steps", maxSteps, "a positive number of steps, or -1 for full epochs");
        }
        double lr = r.number(t, "training.learning_rate", dt.learningRate);
        if (lr <= 0) {
            throw r.bad("training.learning_rate", lr, "a positive number, such as 2.0e-4");
        }
        Training training = new Training(r.positiveInt(t, "training.epochs", dt.epochs), maxSteps,
                r.positiveInt(t, "training.batch_size", dt.batchSize),
                r.positiveInt(t, "training.gradient_accumulation_steps", dt.gradientAccumulationSteps), lr,
                r.nonNegative(t, "training.weight_decay", dt.weightDecay),
                (int) r.nonNegative(t, "training.warmup_steps", dt.warmupSteps),
                r.oneOf(t, "training.lr_scheduler", dt.lrScheduler, Training.SCHEDULERS),
                r.nonNegative(t, "training.max_grad_norm", dt.maxGradNorm),
                r.positiveInt(t, "training.eval_every", dt.evalEvery),
                r.positiveInt(t, "training.save_every", dt.saveEvery),
                r.integer(t, "training.seed", (int) dt.seed));

        JsonNode da = r.section(root, "data", Set.of("database", "tokens_dir", "prompt_template", "max_length",
                "threads"));
        String template = r.text(da, "data.prompt_template", d.data.promptTemplate);
        if (!template.contains(Data.NOTE_PLACEHOLDER)) {
            throw new TrainingConfigException(file, "data.prompt_template", "data.prompt_template in " + r.where()
                    + " has no " + Data.NOTE_PLACEHOLDER + " placeholder: \"" + template + "\"; put {note} where the "
                    + "note text goes, as in \"Predict the medical codes for the following text: {note}\"");
        }
        Data data = new Data(r.path("data.database", r.text(da, "data.database", d.data.database.toString())),
                r.path("data.tokens_dir", r.text(da, "data.tokens_dir", d.data.tokensDir.toString())), template,
                r.positiveInt(da, "data.max_length", d.data.maxLength),
                r.positiveInt(da, "data.threads", d.data.threads));

        JsonNode lo = r.section(root, "logging", Set.of("metrics_file", "log_every"));
        Logging logging = new Logging(r.path("logging.metrics_file",
                r.text(lo, "logging.metrics_file", d.logging.metricsFile.toString())),
                r.positiveInt(lo, "logging.log_every", d.logging.logEvery));
        return new TrainingConfig(file, model, lora, training, data, logging);
    }
}
