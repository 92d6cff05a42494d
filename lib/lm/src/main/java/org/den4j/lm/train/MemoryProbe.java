package org.den4j.lm.train;

import ai.djl.Device;
import ai.djl.util.cuda.CudaUtils;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads the memory a training run uses: JVM heap, resident set size, GPU memory. */
public final class MemoryProbe {
    private final Device device;

    /** @param device the device the model lives on */
    public MemoryProbe(Device device) {
        this.device = device;
    }

    /** JVM heap in use. */
    public long heapBytes() {
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }

    /** Resident set size of the process from {@code /proc/self/status} (Linux), else 0. */
    public long rssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }

    /** Memory in use on the GPU; 0 on CPU or where CUDA cannot tell. */
    public long deviceBytes() {
        if (!device.isGpu()) {
            return 0;
        }
        try {
            return CudaUtils.getGpuMemory(device).getUsed();
        } catch (RuntimeException | LinkageError e) {
            return 0;
        }
    }
}
