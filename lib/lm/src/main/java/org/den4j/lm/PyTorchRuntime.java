package org.den4j.lm;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.LibUtils;
import ai.djl.util.cuda.CudaUtils;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The PyTorch libraries this process runs on and the GPUs they see: what {@code ./jbang devices}
 * prints, and what to check after switching to CUDA.
 *
 * <p>Where the libraries come from, in DJL's order: the folder named by {@code PYTORCH_LIBRARY_PATH}
 * (for example an installed PyTorch's {@code torch/lib}, with {@code PYTORCH_VERSION} and
 * {@code PYTORCH_FLAVOR} saying what it is), else the {@code pytorch-native-*} jar on the class path
 * ({@code pytorch-native-cpu} in den4j's default build).
 *
 * @param version the PyTorch version, for example {@code 2.7.1-20250812}
 * @param flavor {@code cpu}, or a CUDA flavor such as {@code cu128}
 * @param libraryDir the folder libtorch was loaded from
 * @param source {@code PYTORCH_LIBRARY_PATH} or {@code class path}
 * @param gpus the CUDA GPUs PyTorch sees, in index order
 * @param cpuCores the processors the JVM sees
 */
public record PyTorchRuntime(String version, String flavor, Path libraryDir, String source, List<Gpu> gpus,
        int cpuCores) {
    /** The environment variable naming a folder with libtorch, read by DJL before the class path. */
    public static final String LIBRARY_PATH_VARIABLE = "PYTORCH_LIBRARY_PATH";
    /** The flavor of the libraries in {@link #LIBRARY_PATH_VARIABLE}: {@code cpu} or {@code cu128}. */
    public static final String FLAVOR_VARIABLE = "PYTORCH_FLAVOR";
    /** The version of the libraries in {@link #LIBRARY_PATH_VARIABLE}, for example {@code 2.7.1}. */
    public static final String VERSION_VARIABLE = "PYTORCH_VERSION";
    /** The CUDA flavor DJL 0.35.1 ships a JNI library for (in {@code pytorch-jni}) beside {@code cpu}. */
    public static final String CUDA_FLAVOR = "cu128";
    /** The Maven artifact with DJL's CUDA build of PyTorch, the CPU one's counterpart. */
    public static final String CUDA_ARTIFACT = "ai.djl.pytorch:pytorch-native-cu128:2.7.1:linux-x86_64";

    public PyTorchRuntime {
        gpus = List.copyOf(gpus);
    }

    /**
     * One GPU as PyTorch sees it.
     *
     * @param index the CUDA index ({@code cuda:N})
     * @param totalBytes its memory, or 0 when CUDA cannot tell
     * @param usedBytes memory in use, or 0 when CUDA cannot tell
     * @param computeCapability for example {@code 90} for an H100, or null when CUDA cannot tell
     */
    public record Gpu(int index, long totalBytes, long usedBytes, String computeCapability) {
    }

    /** True when PyTorch sees at least one CUDA GPU, so {@code --device cuda} works. */
    public boolean cudaAvailable() {
        return !gpus.isEmpty();
    }

    /**
     * Loads PyTorch (once per process) and describes it.
     *
     * @throws DeviceNotAvailableException when {@code PYTORCH_LIBRARY_PATH} is set without
     *     {@code PYTORCH_FLAVOR}, or names a folder without libtorch
     */
    public static PyTorchRuntime load() {
        return load(System.getenv());
    }

    static PyTorchRuntime load(Map<String, String> env) {
        checkLibraryPath(env);
        Engine engine = Engine.getEngine("PyTorch");
        int count = engine.getGpuCount();
        List<Gpu> gpus = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            gpus.add(gpu(i));
        }
        Path dir = Path.of(LibUtils.getLibtorchPath());
        String source = env.get(LIBRARY_PATH_VARIABLE) == null ? "class path" : LIBRARY_PATH_VARIABLE;
        return new PyTorchRuntime(LibUtils.getVersion(), flavorOf(dir, env), dir, source, gpus,
                Runtime.getRuntime().availableProcessors());
    }

    /**
     * Checks the {@code PYTORCH_*} variables before DJL reads them: DJL would otherwise fail later with
     * an assertion about a missing JNI library.
     */
    static void checkLibraryPath(Map<String, String> env) {
        String path = env.get(LIBRARY_PATH_VARIABLE);
        if (path == null || path.isBlank()) {
            return;
        }
        String flavor = env.get(FLAVOR_VARIABLE);
        if (flavor == null || !(flavor.equals("cpu") || flavor.equals(CUDA_FLAVOR))) {
            throw new DeviceNotAvailableException(LIBRARY_PATH_VARIABLE, LIBRARY_PATH_VARIABLE + "=" + path
                    + " needs " + FLAVOR_VARIABLE + "=" + CUDA_FLAVOR + " (CUDA 12.x libraries) or cpu, got "
                    + (flavor == null ? "nothing" : "'" + flavor + "'") + ": DJL 0.35.1 has JNI libraries for "
                    + "these two; also set " + VERSION_VARIABLE + "=2.7.1 for PyTorch 2.7.1");
        }
        boolean found = false;
        for (String part : path.split(java.io.File.pathSeparator)) {
            if (Files.isRegularFile(Path.of(part).resolve(System.mapLibraryName("torch")))) {
                found = true;
            }
        }
        if (!found) {
            throw new DeviceNotAvailableException(LIBRARY_PATH_VARIABLE, LIBRARY_PATH_VARIABLE + "=" + path
                    + " has no " + System.mapLibraryName("torch") + ": point it at the lib folder of a PyTorch "
                    + "2.7.1 install, for example .../site-packages/torch/lib, or unset it to use the CPU build");
        }
    }

    private static String flavorOf(Path dir, Map<String, String> env) {
        if (env.get(LIBRARY_PATH_VARIABLE) != null && env.get(FLAVOR_VARIABLE) != null) {
            return env.get(FLAVOR_VARIABLE);
        }
        // DJL extracts class-path natives to ~/.djl.ai/pytorch/VERSION-FLAVOR-CLASSIFIER.
        String name = dir.getFileName() == null ? "" : dir.getFileName().toString();
        for (String part : name.toLowerCase(Locale.ROOT).split("-")) {
            if (part.equals("cpu") || part.matches("cu\\d+")) {
                return part;
            }
        }
        return Files.exists(dir.resolve(System.mapLibraryName("torch_cuda"))) ? "cuda" : "cpu";
    }

    private static Gpu gpu(int index) {
        Device device = Device.gpu(index);
        long total = 0;
        long used = 0;
        String capability = null;
        try {
            MemoryUsage memory = CudaUtils.getGpuMemory(device);
            total = memory.getMax();
            used = memory.getUsed();
            capability = CudaUtils.getComputeCapability(index);
        } catch (RuntimeException | LinkageError e) {
            // CUDA's management library is not always loadable; the GPU still counts.
        }
        return new Gpu(index, total, used, capability);
    }
}
