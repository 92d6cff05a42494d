package org.den4j.bench;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.den4j.coder.CodedNote;
import org.den4j.coder.CoderConfig;
import org.den4j.coder.CodingData;
import org.den4j.coder.lm.GenerateConfig;
import org.den4j.command.Commands;
import org.den4j.command.DenOption;
import org.den4j.den.Den;
import org.den4j.den.io.FileTree;
import org.den4j.den.DenInputException;
import org.den4j.lm.io.Qwen2Config;
import org.den4j.lm.kit.ModelExport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code test-export}: checks a GGUF export in llama.cpp against den4j on the coder prompt. */
@Command(name = "test-export", mixinStandardHelpOptions = true, version = "test-export 0.1.0",
        description = {"Loads an exported GGUF in llama.cpp (de.kherud:llama) and answers the coder prompt "
                + "(\"Predict the medical codes for the following text: {note}\") on validation notes with it and "
                + "with den4j, greedily; prints each note's codes from both, their agreement, and tokens/s.",
                "Passes on identical greedy output on every note (what an F32 export must give), or on "
                        + "--min-agreement for quantized exports."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:the export answers as den4j does", "1:below the threshold, or the check failed",
                "2:bad input (model, GGUF, database)"})
public final class TestExportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    DenOption den;

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "REF", description = "The exported model: an "
            + "lm-generate coder (folder or den reference; its base with its adapter folded in, as export-model "
            + "--adapter does), or a Hugging Face folder or den reference.")
    String model;

    @Option(names = "--gguf", required = true, paramLabel = "FILE", description = "The GGUF file export-model wrote.")
    Path gguf;

    @Option(names = {"-n", "--notes"}, defaultValue = "5", paramLabel = "N", description = "Validation notes to "
            + "answer (default: ${DEFAULT-VALUE}).")
    int notes;

    @Option(names = "--database", defaultValue = "data/mimic-dataset.duckdb", paramLabel = "DB",
            description = "The MIMIC database prepare-mimic wrote (default: ${DEFAULT-VALUE}).")
    Path database;

    @Option(names = "--split", defaultValue = "validation", paramLabel = "SPLIT", description = "The split the notes "
            + "come from (default: ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--max-new-tokens", defaultValue = "32", paramLabel = "N", description = "The longest answer "
            + "(default: ${DEFAULT-VALUE}).")
    int maxNewTokens;

    @Option(names = "--min-agreement", paramLabel = "X", description = "Pass on a mean agreement (Jaccard of the code "
            + "sets) of at least X in [0, 1] instead of identical output.")
    Double minAgreement;

    @Option(names = "--threads", paramLabel = "N", description = "llama.cpp threads (default: all processors).")
    Integer threads;

    private Den opened;
    private Path merged;

    private Den denFor() {
        if (opened == null) {
            opened = Den.open(den.config(System.getenv()));
        }
        return opened;
    }

    /** The command line with den4j's error policy. */
    public static CommandLine commandLine() {
        return Commands.line(new TestExportCommand());
    }

    @Override
    public Integer call() {
        if (notes < 1) {
            throw new IllegalArgumentException("--notes must be at least 1, was " + notes);
        }
        List<String> texts = CodingData.read(database, split, notes).stream().map(CodedNote::text).toList();
        if (texts.isEmpty()) {
            throw new IllegalArgumentException("The " + split + " split of " + database + " has no notes");
        }
        try {
            Path folder = Path.of(model);
            if (!Files.isDirectory(folder)) {
                folder = denFor().fetch(model);
            }
            Path lm = languageModel(folder);
            ExportCheck.Builder b = ExportCheck.builder(lm, gguf).notes(texts).maxNewTokens(maxNewTokens)
                    .minAgreement(minAgreement);
            if (Files.isRegularFile(folder.resolve(GenerateConfig.FILE_NAME))) {
                b.promptTemplate(GenerateConfig.read(folder).promptTemplate());
            }
            if (threads != null) {
                b.threads(threads);
            }
            ExportCheck.Report report = b.build().run();
            PrintWriter out = spec.commandLine().getOut();
            out.println("test-export: " + model + " (" + lm + ") against " + gguf + ", " + texts.size() + " " + split
                    + " notes of " + database);
            out.print(report.table());
            out.flush();
            return report.passed() ? Commands.OK : Commands.FAILURE;
        } finally {
            if (merged != null) {
                try {
                    FileTree.delete(merged.getParent());
                } catch (java.io.IOException e) {
                    spec.commandLine().getErr().println("test-export: could not delete " + merged + ": " + e);
                }
            }
            if (opened != null) {
                opened.close();
            }
        }
    }

    /**
     * The language model folder of a model: itself, a coder folder's {@code merged/} model, or an lm-generate coder's
     * base with its LoRA adapter folded in (written to a temporary folder, as export-model does before a GGUF).
     */
    private Path languageModel(Path folder) {
        if (Files.isRegularFile(folder.resolve(Qwen2Config.FILE))) {
            return folder;
        }
        for (String sub : List.of("merged", "model")) {
            if (Files.isRegularFile(folder.resolve(sub).resolve(Qwen2Config.FILE))) {
                return folder.resolve(sub);
            }
        }
        if (CoderConfig.isCoderFolder(folder) && Files.isDirectory(folder.resolve(GenerateConfig.ADAPTER_DIR))) {
            String base = CoderConfig.read(folder).base();
            Path baseDir = Files.isDirectory(Path.of(base)) ? Path.of(base) : denFor().fetch(base);
            try {
                merged = Files.createTempDirectory("den4j-test-export-").resolve("merged");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return ModelExport.mergeAdapter(baseDir, folder.resolve(GenerateConfig.ADAPTER_DIR), "f32", merged);
        }
        if (CoderConfig.isCoderFolder(folder)) {
            throw new DenInputException(model + " is a " + CoderConfig.read(folder).kind() + " coder without a merged "
                    + "language model (merged/config.json); test-export checks the language model an lm-generate "
                    + "coder exports to GGUF");
        }
        throw new DenInputException(model + " (" + folder + ") is not a Hugging Face model folder: it has no "
                + Qwen2Config.FILE);
    }
}
