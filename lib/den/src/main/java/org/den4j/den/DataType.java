package org.den4j.den;

/** What kind of data flows into or out of a model. */
public enum DataType {
    TEXT, IMAGE, AUDIO, VIDEO, EMBEDDINGS, TOKENS, LOGITS, FEATURES;

    /**
     * Parses a data type ignoring case.
     *
     * @throws DenInputException naming the accepted values
     */
    public static DataType parse(String raw) {
        for (DataType type : values()) {
            if (type.name().equalsIgnoreCase(raw == null ? "" : raw.trim())) {
                return type;
            }
        }
        throw new DenInputException("'" + raw + "' is not a data type; use one of "
                + java.util.Arrays.toString(values()).replaceAll("[\\[\\]]", ""));
    }
}
