package org.den4j.bench;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.DataType;
import java.nio.file.Files;
import java.nio.file.Path;
import org.den4j.lm.Qwen2Model;

/**
 * Run in a fresh JVM by {@link LmBenchmark}: starts PyTorch, reports the resident memory, loads a
 * model folder, and reports the peak resident memory. Prints {@code baseline_bytes peak_bytes}.
 */
public final class LoadProbe {
    private LoadProbe() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        DataType type = args[1].equals("float16") ? DataType.FLOAT16 : DataType.FLOAT32;
        Engine.getEngine("PyTorch");
        System.gc();
        long baseline = status("VmRSS:");
        try (Qwen2Model model = Qwen2Model.load(dir, Device.cpu(), type)) {
            long peak = status("VmHWM:");
            System.out.println(baseline + " " + peak + " " + model.parameterCount());
        }
    }

    static long status(String key) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith(key)) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IllegalStateException("no " + key + " in /proc/self/status (Linux only)");
    }
}
