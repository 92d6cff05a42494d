package org.den4j.den;

import java.util.List;

/**
 * One input or output of a model.
 *
 * @param name the name, for example {@code input_ids}
 * @param dataType what kind of data it carries
 * @param shape the shape, with -1 for a dimension that varies; empty when unknown
 * @param dtype the element type, for example {@code int64} or {@code float16}; null when unknown
 * @param description what it means, or null
 * @param optional true when the model runs without it
 */
public record IoSpec(String name, DataType dataType, List<Long> shape, String dtype, String description, boolean optional) {
    public IoSpec {
        if (name == null || name.isBlank()) {
            throw new DenInputException("An input or output has no name; give each one a name such as input_ids");
        }
        if (dataType == null) {
            throw new DenInputException("Input or output '" + name + "' has no data type; use one of TEXT, IMAGE, AUDIO, "
                    + "VIDEO, EMBEDDINGS, TOKENS, LOGITS, FEATURES");
        }
        shape = shape == null ? List.of() : List.copyOf(shape);
    }

    /** A required input or output of the given type with unknown shape. */
    public static IoSpec of(String name, DataType dataType) {
        return new IoSpec(name, dataType, List.of(), null, null, false);
    }
}
