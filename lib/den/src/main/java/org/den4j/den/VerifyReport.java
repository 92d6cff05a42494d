package org.den4j.den;

import java.util.List;

/**
 * The outcome of checking stored bytes against their manifests.
 *
 * @param modelsChecked model versions checked
 * @param filesChecked files checked
 * @param bytesChecked bytes hashed
 * @param problems one entry per damaged or missing file
 */
public record VerifyReport(int modelsChecked, int filesChecked, long bytesChecked, List<Problem> problems) {
    public VerifyReport {
        problems = List.copyOf(problems);
    }

    /** True when nothing is damaged. */
    public boolean isClean() {
        return problems.isEmpty();
    }

    /**
     * One damaged file.
     *
     * @param model the model as {@code name@version}
     * @param file the file path inside the model
     * @param digest the SHA-256 the manifest expects
     * @param problem what is wrong, for example a size or hash mismatch
     */
    public record Problem(String model, String file, String digest, String problem) {
        @Override
        public String toString() {
            return model + " " + file + " (sha256:" + digest + "): " + problem;
        }
    }
}
