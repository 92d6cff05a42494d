package org.den4j.den;

import java.util.List;

/** A reference that names no model in the den. */
public class ModelNotFoundException extends DenInputException {
    private static final long serialVersionUID = 1L;
    private final String ref;
    private final transient List<String> suggestions;

    public ModelNotFoundException(String ref, String message, List<String> suggestions) {
        super(message);
        this.ref = ref;
        this.suggestions = List.copyOf(suggestions);
    }

    /** The reference as the caller wrote it. */
    public String ref() {
        return ref;
    }

    /** Names or versions that exist and are close to what was asked, best first. */
    public List<String> suggestions() {
        return suggestions;
    }
}
