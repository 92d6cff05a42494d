package org.den4j.lm;

import java.nio.file.Path;

/**
 * A model, adapter, tokenizer or weights file that is missing, malformed or inconsistent.
 *
 * <p>{@link #file()} is the file at fault and {@link #entry()} the key or tensor inside it
 * ({@code null} when the whole file is at fault).
 */
public class ModelFileException extends LmInputException {
    private static final long serialVersionUID = 1L;
    private final transient Path file;
    private final String entry;

    public ModelFileException(Path file, String entry, String message) {
        super(message);
        this.file = file;
        this.entry = entry;
    }

    public ModelFileException(Path file, String entry, String message, Throwable cause) {
        super(message, cause);
        this.file = file;
        this.entry = entry;
    }

    /** The file at fault. */
    public Path file() {
        return file;
    }

    /** The key or tensor name at fault, or {@code null}. */
    public String entry() {
        return entry;
    }
}
