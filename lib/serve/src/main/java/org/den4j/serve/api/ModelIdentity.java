package org.den4j.serve.api;

import java.util.Map;

/**
 * Which coder is served, as {@code /info}, {@code /v1/models} and the metrics report it.
 *
 * @param requested the reference or folder the server was told to serve ({@code den4j/icd-coder@champion})
 * @param name the den name, or the folder
 * @param version the den version, or null for a folder
 * @param digest the den digest ({@code sha256:...}), or null for a folder
 * @param kind the coder kind
 * @param metrics the registry's (or {@code coder.json}'s) metrics, such as {@code validation_micro_f1}
 */
record ModelIdentity(String requested, String name, Integer version, String digest, String kind,
        Map<String, Double> metrics) {
    ModelIdentity {
        metrics = Map.copyOf(metrics);
    }

    /** {@code name@version}, or the folder. */
    String ref() {
        return version == null ? name : name + "@" + version;
    }

    /** What tells two loads apart: the digest, or the folder. */
    String key() {
        return digest != null ? digest : name;
    }
}
