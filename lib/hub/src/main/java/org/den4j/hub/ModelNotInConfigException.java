package org.den4j.hub;

import java.nio.file.Path;
import java.util.List;
import org.den4j.den.BadInput;

/** A model id that the models configuration does not list. */
public class ModelNotInConfigException extends HubException implements BadInput {
    private static final long serialVersionUID = 1L;
    private final String id;
    private final List<String> knownIds;
    private final transient Path file;

    public ModelNotInConfigException(String id, List<String> knownIds, Path file) {
        super(null, "Model '" + id + "' is not in " + (file == null ? "the models configuration" : file)
                + "; known ids: " + (knownIds.isEmpty() ? "none" : String.join(", ", knownIds))
                + ". Use one of them, or add an entry with id: " + id + " under models:");
        this.id = id;
        this.knownIds = List.copyOf(knownIds);
        this.file = file;
    }

    /** The id that was asked for. */
    public String id() {
        return id;
    }

    /** The ids the configuration lists, in its order. */
    public List<String> knownIds() {
        return knownIds;
    }

    /** The configuration file, or null when the configuration was built in code. */
    public Path file() {
        return file;
    }
}
