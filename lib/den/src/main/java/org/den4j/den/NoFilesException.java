package org.den4j.den;

/**
 * A fetch of a registry entry that has no files: the den knows the model's metadata, not its bytes.
 *
 * <p>The message says where the bytes can be obtained: the entry's external source ({@code hf:org/name@commit})
 * when it has one, else a push of the files under its name.
 */
public class NoFilesException extends DenInputException {
    private static final long serialVersionUID = 1L;
    private final String ref;
    private final String source;

    public NoFilesException(String ref, String source, String message) {
        super(message);
        this.ref = ref;
        this.source = source;
    }

    /** The entry, as {@code name@version}. */
    public String ref() {
        return ref;
    }

    /** The external reference the bytes can be fetched from, such as {@code hf:org/name@commit}; null when none. */
    public String source() {
        return source;
    }
}
