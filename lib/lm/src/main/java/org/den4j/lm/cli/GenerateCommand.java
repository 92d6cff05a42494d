package org.den4j.lm.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.den4j.command.Commands;
import org.den4j.command.DeviceOption;
import org.den4j.command.VerboseOption;
import org.den4j.lm.GenerationConfig;
import org.den4j.lm.LanguageModel;
import org.den4j.lm.LoraAdapter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The {@code generate} command: loads a model folder or den reference (with an optional PEFT
 * adapter) and prints only the generated text.
 *
 * <pre>{@code
 * int exit = GenerateCommand.commandLine().execute("--model", "den4j/tiny-qwen2", "--prompt", "The patient",
 *         "--max-new-tokens", "32", "--greedy");
 * }</pre>
 */
@Command(name = "generate", sortOptions = false, mixinStandardHelpOptions = true, version = "generate 0.1.0",
        description = "Generates text with a Qwen2-family model (a Hugging Face folder or a den reference), "
                + "optionally with a LoRA adapter, and prints only the generated text.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:failure", "2:bad input: options, model or adapter files, device"})
public final class GenerateCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "DIR|DEN_REF",
            description = "A model folder (config.json, model.safetensors, tokenizer.json) or a den reference.")
    String model;

    @Option(names = "--adapter", paramLabel = "DIR", description = "A PEFT LoRA adapter folder to apply.")
    Path adapter;

    @Option(names = {"-p", "--prompt"}, required = true, paramLabel = "TEXT", description = "The prompt.")
    String prompt;

    @Option(names = {"-n", "--max-new-tokens"}, defaultValue = "64", paramLabel = "N",
            description = "Most tokens to generate (default: ${DEFAULT-VALUE}).")
    int maxNewTokens;

    @Option(names = "--greedy", description = "Greedy decoding (the default unless --temperature is given).")
    boolean greedy;

    @Option(names = "--temperature", paramLabel = "T", description = "Sample with this temperature.")
    Double temperature;

    @Option(names = "--top-p", defaultValue = "1.0", paramLabel = "P",
            description = "Nucleus sampling probability (default: ${DEFAULT-VALUE}).")
    double topP;

    @Option(names = "--top-k", defaultValue = "0", paramLabel = "K",
            description = "Keep the K best tokens when sampling; 0 keeps all (default: ${DEFAULT-VALUE}).")
    int topK;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Sampling seed (default: 0).")
    long seed;

    @Option(names = "--stop", paramLabel = "TEXT", description = "A text that ends generation (repeatable).")
    List<String> stops = List.of();

    @Mixin
    DeviceOption device;

    @Option(names = "--precision", defaultValue = "auto", paramLabel = "TYPE",
            description = "auto, float32 or float16 (default: auto: float32 on CPU, float16 on GPU).")
    String precision;

    @Option(names = "--threads", paramLabel = "N",
            description = "PyTorch CPU threads (default: PyTorch's choice, one per core).")
    Integer threads;

    @Mixin
    VerboseOption verbose;

    /** The command line with exit codes and one-line errors installed. */
    public static CommandLine commandLine() {
        return Commands.line(new GenerateCommand());
    }

    @Override
    public Integer call() {
        if (greedy && temperature != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--greedy and --temperature exclude each other");
        }
        GenerationConfig config = temperature == null || temperature == 0
                ? GenerationConfig.greedy(maxNewTokens)
                : GenerationConfig.sampling(maxNewTokens, temperature, topP, seed).withTopK(topK);
        config = config.withStopStrings(stops);
        if (threads != null) {
            org.den4j.lm.Devices.setCpuThreads(threads);
        }
        Path folder = ModelFolders.resolve(model);
        try (LanguageModel lm = LanguageModel.load(folder, device.device(), precision)) {
            LoraAdapter lora = null;
            try {
                if (adapter != null) {
                    lora = LoraAdapter.load(adapter, lm.model());
                    lm.model().attachAdapter(lora);
                }
                PrintWriter out = spec.commandLine().getOut();
                out.println(lm.generate(prompt, config));
                out.flush();
            } finally {
                if (lora != null) {
                    lora.close();
                }
            }
        }
        return 0;
    }
}
