package org.den4j.den;

/**
 * What a model needs to run.
 *
 * <p>Every figure is optional (null when unknown). Records stored before the recommended figures and
 * the support flags existed load with those left null.
 *
 * @param minMemoryMb the least main memory in MiB, or null when unknown
 * @param recommendedMemoryMb the main memory in MiB it runs well with, or null when unknown
 * @param gpuRequired true when the model does not run on a CPU in practice
 * @param minGpuMemoryMb the least accelerator memory in MiB, or null when unknown
 * @param recommendedGpuMemoryMb the accelerator memory in MiB it runs well with, or null when unknown
 * @param minCpuCores the least CPU cores, or null when unknown
 * @param recommendedCpuCores the CPU cores it runs well with, or null when unknown
 * @param supportsCpu whether it runs on a CPU, or null when unknown
 * @param supportsGpu whether it runs on a GPU, or null when unknown
 * @param notes anything else, or null
 */
public record HardwareRequirements(Long minMemoryMb, Long recommendedMemoryMb, boolean gpuRequired,
        Long minGpuMemoryMb, Long recommendedGpuMemoryMb, Integer minCpuCores, Integer recommendedCpuCores,
        Boolean supportsCpu, Boolean supportsGpu, String notes) {
    /** No stated requirements. */
    public static final HardwareRequirements NONE = new HardwareRequirements(null, false, null, null, null);

    /** Minimum figures only, as records were before recommended figures and support flags. */
    public HardwareRequirements(Long minMemoryMb, boolean gpuRequired, Long minGpuMemoryMb, Integer minCpuCores,
            String notes) {
        this(minMemoryMb, null, gpuRequired, minGpuMemoryMb, null, minCpuCores, null, null, null, notes);
    }

    /** True when nothing is stated. */
    public boolean isEmpty() {
        return equals(NONE);
    }
}
