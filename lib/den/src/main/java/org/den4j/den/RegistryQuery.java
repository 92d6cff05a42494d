package org.den4j.den;

import java.util.List;

/**
 * A registry search; unset parts match everything and set parts must all match.
 *
 * <pre>{@code
 * List<ModelInfo> coders = den.search(RegistryQuery.builder().text("icd").tag("mimic-iv")
 *     .input(DataType.TEXT).output(DataType.TEXT).build());
 * }</pre>
 *
 * @param text words that must each appear in the name, description, tags or architecture (case-insensitive), or null
 * @param tags tags the model must all carry
 * @param modelType the model type, or null
 * @param architecture the architecture (case-insensitive), or null
 * @param input a data type some input must carry, or null
 * @param output a data type some output must carry, or null
 * @param latestOnly true to keep only the latest version of each name
 */
public record RegistryQuery(String text, List<String> tags, String modelType, String architecture, DataType input,
        DataType output, boolean latestOnly) {
    /** The query that matches every model. */
    public static final RegistryQuery ALL = builder().build();

    public RegistryQuery {
        tags = tags == null ? List.of() : List.copyOf(tags);
        text = text == null || text.isBlank() ? null : text.trim();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link RegistryQuery}. */
    public static final class Builder {
        private String text;
        private final java.util.ArrayList<String> tags = new java.util.ArrayList<>();
        private String modelType;
        private String architecture;
        private DataType input;
        private DataType output;
        private boolean latestOnly;

        private Builder() {
        }

        public Builder text(String text) {
            this.text = text;
            return this;
        }

        public Builder tag(String tag) {
            this.tags.add(tag);
            return this;
        }

        public Builder tags(List<String> tags) {
            this.tags.addAll(tags);
            return this;
        }

        public Builder modelType(String modelType) {
            this.modelType = modelType;
            return this;
        }

        public Builder architecture(String architecture) {
            this.architecture = architecture;
            return this;
        }

        public Builder input(DataType input) {
            this.input = input;
            return this;
        }

        public Builder output(DataType output) {
            this.output = output;
            return this;
        }

        /** Models that take {@code input} and give {@code output}. */
        public Builder compatible(DataType input, DataType output) {
            return input(input).output(output);
        }

        public Builder latestOnly(boolean latestOnly) {
            this.latestOnly = latestOnly;
            return this;
        }

        public RegistryQuery build() {
            return new RegistryQuery(text, tags, modelType, architecture, input, output, latestOnly);
        }
    }
}
