package org.den4j.lm.kit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.den4j.command.Commands;
import org.den4j.command.VerboseOption;
import org.den4j.den.Den;
import org.den4j.den.ProgressBar;
import org.den4j.den.io.FileTree;
import org.den4j.lm.LmException;
import org.den4j.lm.LmInputException;
import org.den4j.lm.gguf.GgmlType;
import org.den4j.lm.gguf.Qwen2GgufExport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The {@code export-model} command: a model folder or den model to GGUF (llama.cpp, LM Studio) or
 * to a safetensors folder; prints what it wrote.
 *
 * <pre>{@code
 * ExportModelCommand.commandLine().execute("--model", "out/kit", "--format", "gguf", "--dtype", "q8_0",
 *     "--out", "out/kit.gguf");
 * }</pre>
 */
@Command(name = "export-model", sortOptions = false, mixinStandardHelpOptions = true,
        description = "Exports a Qwen2 model (a Hugging Face folder or a den reference), optionally with a LoRA "
                + "adapter folded in, to GGUF v3 for llama.cpp and LM Studio, or to a safetensors folder. Prints the "
                + "file or folder written.",
        footerHeading = "%nLM Studio:%n",
        footer = {"  LM Studio finds GGUF files under its models folder as",
                "  PUBLISHER/MODEL/FILE.gguf, for example",
                "  --out ~/.lmstudio/models/den4j/tiny-qwen2/tiny-qwen2-q8_0.gguf"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:failure", "2:bad input: model, adapter, format, dtype, output"})
public final class ExportModelCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR|DEN_REF",
            description = "Hugging Face folder, or a den reference such as den4j/tiny-qwen2@1")
    String model;

    @Option(names = "--adapter", paramLabel = "DIR",
            description = "PEFT LoRA adapter folder to fold into the weights before exporting")
    Path adapter;

    @Option(names = "--format", required = true, paramLabel = "gguf|safetensors", description = "output format")
    String format;

    @Option(names = "--dtype", paramLabel = "f32|f16|q8_0|bf16",
            description = "weights type (default: f16 for gguf, f32 for safetensors; q8_0 only for gguf)")
    String dtype;

    @Option(names = "--out", required = true, paramLabel = "PATH",
            description = "the .gguf file, or the new folder for safetensors")
    Path out;

    @Mixin
    VerboseOption verbose;

    /** The command line with den4j's exit codes and error printing. */
    public static CommandLine commandLine() {
        return Commands.line(new ExportModelCommand());
    }

    @Override
    public Integer call() {
        String kind = format.toLowerCase(Locale.ROOT);
        if (!kind.equals("gguf") && !kind.equals("safetensors")) {
            throw new LmInputException("'" + format + "' is not an export format; use gguf or safetensors");
        }
        GgmlType ggufType = kind.equals("gguf") ? GgmlType.ofName(dtype == null ? "f16" : dtype) : null;
        Path modelDir = resolve(model);
        ProgressBar progress = new ProgressBar(System.err, 8L << 20);
        Path merged = null;
        Path written;
        try {
            if (adapter != null && kind.equals("gguf")) {
                merged = Files.createTempDirectory(out.toAbsolutePath().getParent() == null ? Path.of(".")
                        : Files.createDirectories(out.toAbsolutePath().getParent()), ".merged-").resolve("model");
                modelDir = ModelExport.mergeAdapter(modelDir, adapter, "f32", merged);
            }
            if (kind.equals("gguf")) {
                Qwen2GgufExport.export(modelDir, ggufType, out, progress);
                written = out.toAbsolutePath();
            } else if (adapter != null) {
                written = ModelExport.mergeAdapter(modelDir, adapter, dtype == null ? "f32" : dtype, out);
            } else {
                written = ModelExport.toSafetensors(modelDir, dtype == null ? "f32" : dtype, out, progress);
            }
        } catch (java.io.IOException e) {
            throw new LmException("cannot make a temporary folder beside " + out + ": " + e.getMessage(), e);
        } finally {
            if (merged != null) {
                FileTree.deleteQuietly(merged.getParent());
            }
        }
        spec.commandLine().getOut().println(written);
        spec.commandLine().getOut().flush();
        return 0;
    }

    /** A folder as it is; anything else is fetched from the den. */
    static Path resolve(String model) {
        return resolve(model, Den::open);
    }

    /** {@link #resolve(String)} with the den that {@code openDen} opens (and this method closes). */
    static Path resolve(String model, java.util.function.Supplier<Den> openDen) {
        Path dir = Path.of(model);
        if (Files.isDirectory(dir)) {
            return dir;
        }
        if (model.startsWith(".") || model.startsWith("/") || Files.exists(dir)) {
            throw new LmInputException("model " + model + " is not a folder; pass a Hugging Face model folder or a den "
                    + "reference (./jbang den list shows them)");
        }
        try (Den den = openDen.get()) {
            return den.fetch(model);
        }
    }
}
