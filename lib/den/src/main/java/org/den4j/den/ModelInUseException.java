package org.den4j.den;

import java.util.List;

/** A delete refused because other models name this one as their parent. */
public class ModelInUseException extends DenException {
    private static final long serialVersionUID = 1L;
    private final String model;
    private final transient List<String> derivatives;

    public ModelInUseException(String model, List<String> derivatives) {
        super("Model " + model + " is the parent of " + derivatives.size() + " derived model(s) "
                + derivatives + "; delete those first or pass force (den rm --force) to delete it anyway.");
        this.model = model;
        this.derivatives = List.copyOf(derivatives);
    }

    public String model() {
        return model;
    }

    /** The derived models, as {@code name@version}. */
    public List<String> derivatives() {
        return derivatives;
    }
}
