package org.den4j.den;

/**
 * What a model needs to run.
 *
 * @param minMemoryMb the least main memory in MiB, or null when unknown
 * @param gpuRequired true when the model does not run on a CPU in practice
 * @param minGpuMemoryMb the least accelerator memory in MiB, or null when unknown
 * @param minCpuCores the least CPU cores, or null when unknown
 * @param notes anything else, or null
 */
public record HardwareRequirements(Long minMemoryMb, boolean gpuRequired, Long minGpuMemoryMb, Integer minCpuCores,
        String notes) {
    /** No stated requirements. */
    public static final HardwareRequirements NONE = new HardwareRequirements(null, false, null, null, null);
}
