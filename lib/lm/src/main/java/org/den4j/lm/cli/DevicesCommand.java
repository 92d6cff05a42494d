package org.den4j.lm.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.den4j.command.Commands;
import org.den4j.command.VerboseOption;
import org.den4j.lm.PyTorchRuntime;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The {@code devices} command: which PyTorch build this process loads, from where, and the GPUs it
 * sees; the check after switching to CUDA (docs/gpu.md).
 *
 * <pre>{@code
 * int exit = DevicesCommand.commandLine().execute("--json");
 * }</pre>
 */
@Command(name = "devices", sortOptions = false, mixinStandardHelpOptions = true, version = "devices 0.1.0",
        description = {"Prints the PyTorch build den4j loads (version, flavor cpu or cu128, folder, and whether it "
                + "came from PYTORCH_LIBRARY_PATH or the class path) and the CUDA GPUs it sees, with their memory.",
                "--require-cuda exits 2 when no GPU is usable, so scripts can check before a long run."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:failure", "2:bad input, or --require-cuda without a usable GPU"})
public final class DevicesCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    boolean json;

    @Option(names = "--require-cuda", description = "Fail (exit 2) unless PyTorch sees a CUDA GPU.")
    boolean requireCuda;

    @Mixin
    VerboseOption verbose;

    /** The command line with exit codes and one-line errors installed. */
    public static CommandLine commandLine() {
        return Commands.line(new DevicesCommand());
    }

    @Override
    public Integer call() {
        PyTorchRuntime runtime = PyTorchRuntime.load();
        PrintWriter out = spec.commandLine().getOut();
        out.println(json ? toJson(runtime) : toText(runtime));
        out.flush();
        if (requireCuda && !runtime.cudaAvailable()) {
            throw new org.den4j.lm.DeviceNotAvailableException("cuda", "PyTorch sees no CUDA GPU (flavor "
                    + runtime.flavor() + " from " + runtime.source() + "): see docs/gpu.md to load the "
                    + PyTorchRuntime.CUDA_FLAVOR + " libraries");
        }
        return 0;
    }

    static String toText(PyTorchRuntime r) {
        StringBuilder s = new StringBuilder();
        s.append("PyTorch   ").append(r.version()).append(" (").append(r.flavor()).append(")\n");
        s.append("libraries ").append(r.libraryDir()).append(" (from ").append(r.source()).append(")\n");
        s.append("CPU       ").append(r.cpuCores()).append(" cores\n");
        if (r.gpus().isEmpty()) {
            s.append("GPUs      none: --device cuda is not available; --device auto runs on the CPU");
        } else {
            for (PyTorchRuntime.Gpu g : r.gpus()) {
                s.append(String.format(Locale.ROOT, "cuda:%d    %s memory, %s in use%s%n", g.index(),
                        gib(g.totalBytes()), gib(g.usedBytes()),
                        g.computeCapability() == null ? "" : ", compute capability " + g.computeCapability()));
            }
            s.setLength(s.length() - System.lineSeparator().length());
        }
        return s.toString();
    }

    static String toJson(PyTorchRuntime r) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("version", r.version());
        json.put("flavor", r.flavor());
        json.put("libraryDir", r.libraryDir().toString());
        json.put("source", r.source());
        json.put("cpuCores", r.cpuCores());
        json.put("cudaAvailable", r.cudaAvailable());
        json.put("gpus", r.gpus());
        try {
            return new ObjectMapper().writeValueAsString(json);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String gib(long bytes) {
        return bytes <= 0 ? "unknown" : String.format(Locale.ROOT, "%.1f GiB", bytes / (1024.0 * 1024 * 1024));
    }
}
