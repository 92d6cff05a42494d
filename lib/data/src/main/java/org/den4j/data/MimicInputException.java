package org.den4j.data;

import java.nio.file.Path;
import java.util.List;

/**
 * A MIMIC folder that cannot be loaded as the chosen version: files missing, a folder of the other version,
 * or a file whose columns are not the release's.
 */
public class MimicInputException extends DataInputException {
    private static final long serialVersionUID = 1L;
    private final transient Path folder;
    private final MimicVersion version;
    private final List<String> missing;

    public MimicInputException(Path folder, MimicVersion version, List<String> missing, String message) {
        super(message);
        this.folder = folder;
        this.version = version;
        this.missing = List.copyOf(missing);
    }

    /** The folder that was given. */
    public Path folder() {
        return folder;
    }

    /** The version it was loaded as. */
    public MimicVersion version() {
        return version;
    }

    /** The files the version needs that are absent, such as {@code NOTEEVENTS.csv.gz}; empty for other causes. */
    public List<String> missing() {
        return missing;
    }
}
