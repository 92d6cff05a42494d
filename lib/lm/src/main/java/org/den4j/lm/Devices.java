package org.den4j.lm;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.DataType;
import java.util.Locale;

/**
 * Chooses the device and compute precision that models run on.
 *
 * <p>{@code auto} picks CUDA when PyTorch sees a GPU, else MPS on Apple silicon, else the CPU.
 * Compute precision {@code auto} is float32 on the CPU and float16 on a GPU. Bfloat16 weights are
 * converted while loading: DJL 0.35.1's PyTorch binding cannot hold bfloat16 tensors (creating one
 * aborts the JVM), so bfloat16 is not offered as a compute precision.
 */
public final class Devices {
    private Devices() {
    }

    /**
     * The device named {@code name}: {@code auto}, {@code cpu}, {@code cuda}, {@code cuda:N},
     * {@code gpu} or {@code mps} (case-insensitive; null means auto).
     *
     * @throws DeviceNotAvailableException when the device does not exist here, saying what to do
     */
    public static Device resolve(String name) {
        String n = name == null ? "auto" : name.trim().toLowerCase(Locale.ROOT);
        PyTorchRuntime.checkLibraryPath(System.getenv());
        Engine engine = Engine.getEngine("PyTorch");
        int gpus = engine.getGpuCount();
        switch (n) {
            case "auto":
                if (gpus > 0) {
                    return Device.gpu(0);
                }
                return isAppleSilicon() ? Device.fromName("mps") : Device.cpu();
            case "cpu":
                return Device.cpu();
            case "mps":
                if (!isAppleSilicon()) {
                    throw new DeviceNotAvailableException(name, "Device mps was requested but this is not an Apple "
                            + "silicon Mac (os.name=" + System.getProperty("os.name") + ", os.arch="
                            + System.getProperty("os.arch") + "); use --device cpu or auto");
                }
                return Device.fromName("mps");
            default:
                break;
        }
        if (n.equals("cuda") || n.equals("gpu") || n.startsWith("cuda:") || n.startsWith("gpu:")) {
            int index = 0;
            int colon = n.indexOf(':');
            if (colon > 0) {
                try {
                    index = Integer.parseInt(n.substring(colon + 1));
                } catch (NumberFormatException e) {
                    throw new DeviceNotAvailableException(name, "Device '" + name + "' is not a device name; use "
                            + "auto, cpu, cuda, cuda:N or mps");
                }
            }
            if (index >= gpus) {
                throw new DeviceNotAvailableException(name, "Device " + name + " was requested but PyTorch sees "
                        + gpus + " CUDA GPU(s)" + (gpus == 0 ? ": the CPU build of PyTorch is loaded, or no NVIDIA "
                        + "driver is installed. On a machine with an NVIDIA GPU, set " + PyTorchRuntime.LIBRARY_PATH_VARIABLE
                        + "=<PyTorch 2.7.1+cu128>/torch/lib " + PyTorchRuntime.FLAVOR_VARIABLE + "="
                        + PyTorchRuntime.CUDA_FLAVOR + " " + PyTorchRuntime.VERSION_VARIABLE + "=2.7.1, or build with "
                        + "-Dden4j.cuda (" + PyTorchRuntime.CUDA_ARTIFACT + "); see docs/gpu.md and check with "
                        + "./jbang devices. Or use --device cpu" : ""));
            }
            return Device.gpu(index);
        }
        throw new DeviceNotAvailableException(name, "Device '" + name + "' is not a device name; use auto, cpu, "
                + "cuda, cuda:N or mps");
    }

    /**
     * The compute precision named {@code name} for {@code device}: {@code auto}, {@code float32}
     * ({@code f32}) or {@code float16} ({@code f16}); null means auto.
     *
     * @throws DeviceNotAvailableException for bfloat16 or an unknown name
     */
    public static DataType precision(String name, Device device) {
        String n = name == null ? "auto" : name.trim().toLowerCase(Locale.ROOT);
        switch (n) {
            case "auto":
                return device.isGpu() ? DataType.FLOAT16 : DataType.FLOAT32;
            case "float32":
            case "f32":
            case "fp32":
                return DataType.FLOAT32;
            case "float16":
            case "f16":
            case "fp16":
            case "half":
                return DataType.FLOAT16;
            case "bfloat16":
            case "bf16":
                throw new DeviceNotAvailableException(name, "Compute precision bfloat16 is not available: DJL "
                        + "0.35.1's PyTorch binding cannot create bfloat16 tensors. Bfloat16 weights load fine and are "
                        + "converted; choose float16 (GPU) or float32 (CPU) as the compute precision");
            default:
                throw new DeviceNotAvailableException(name, "Compute precision '" + name + "' is unknown; use auto, "
                        + "float32 or float16");
        }
    }

    /**
     * Sets PyTorch's intra-op CPU threads for this process (a process-wide PyTorch setting).
     *
     * <p>One thread is often faster for small models, and on machines whose cores are busy with
     * other work: PyTorch's worker threads then spend their time waiting for each other.
     *
     * @throws IllegalArgumentException when {@code threads} is not positive
     */
    public static void setCpuThreads(int threads) {
        if (threads <= 0) {
            throw new IllegalArgumentException("CPU threads must be positive, got " + threads);
        }
        Engine.getEngine("PyTorch");
        ai.djl.pytorch.jni.JniUtils.setNumThreads(threads);
    }

    private static boolean isAppleSilicon() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        return os.contains("mac") && (arch.equals("aarch64") || arch.equals("arm64"));
    }
}
