package org.den4j.den;

import java.util.List;

/**
 * A registry search; unset parts match everything and set parts must all match.
 *
 * <pre>{@code
 * List<ModelInfo> coders = den.search(RegistryQuery.builder().text("icd").tag("mimic-iv")
 *     .input(DataType.TEXT).output(DataType.TEXT).build());
 * List<ModelInfo> fastGood = den.search(RegistryQuery.builder().metric("f1_micro>=0.5")
 *     .sortBy("inference_time_ms").build());
 * }</pre>
 *
 * @param text words that must each appear in the name, description, tags, architecture or display name
 *     (case-insensitive), or null
 * @param tags tags the model must all carry
 * @param modelType the model type, or null
 * @param architecture the architecture (case-insensitive), or null
 * @param input a data type some input must carry, or null
 * @param output a data type some output must carry, or null
 * @param latestOnly true to keep only the latest version of each name (of those that match)
 * @param metrics conditions on performance metrics that must all hold; a model without a named metric fails
 * @param sortBy the metric to order the results by, or null for name then version order
 */
public record RegistryQuery(String text, List<String> tags, String modelType, String architecture, DataType input,
        DataType output, boolean latestOnly, List<MetricCondition> metrics, MetricOrder sortBy) {
    /** The query that matches every model. */
    public static final RegistryQuery ALL = builder().build();

    public RegistryQuery {
        tags = tags == null ? List.of() : List.copyOf(tags);
        metrics = metrics == null ? List.of() : List.copyOf(metrics);
        text = text == null || text.isBlank() ? null : text.trim();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this query's values. */
    public Builder toBuilder() {
        Builder b = new Builder().text(text).tags(tags).modelType(modelType).architecture(architecture)
                .input(input).output(output).latestOnly(latestOnly).sortBy(sortBy);
        metrics.forEach(b::metric);
        return b;
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
        private final java.util.ArrayList<MetricCondition> metrics = new java.util.ArrayList<>();
        private MetricOrder sortBy;

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

        /** A condition that must hold, for example {@code f1>=0.5}; repeat for several. */
        public Builder metric(MetricCondition condition) {
            this.metrics.add(condition);
            return this;
        }

        /**
         * A condition written {@code NAME OP NUMBER} with {@code OP} one of {@code >= <= > < = !=}.
         *
         * @throws DenInputException naming the text and the accepted form
         */
        public Builder metric(String condition) {
            return metric(MetricCondition.parse(condition));
        }

        /** Orders the results by a metric (missing values last), or null for name then version. */
        public Builder sortBy(MetricOrder order) {
            this.sortBy = order;
            return this;
        }

        /**
         * Orders the results by {@code NAME} ascending or {@code -NAME} descending.
         *
         * @throws DenInputException when no name is given
         */
        public Builder sortBy(String order) {
            return sortBy(order == null ? null : MetricOrder.parse(order));
        }

        public RegistryQuery build() {
            return new RegistryQuery(text, tags, modelType, architecture, input, output, latestOnly, metrics,
                    sortBy);
        }
    }
}
