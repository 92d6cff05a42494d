package org.den4j.agent;

/**
 * A den reference the den could not give; intercepted loads rethrow its message as the exception their
 * API declares (DJL's {@code ModelNotFoundException}, {@code IOException}).
 */
public class DenLoadException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String name;
    private final String ref;

    public DenLoadException(String name, String ref, String message, Throwable cause) {
        super(message, cause);
        this.name = name;
        this.ref = ref;
    }

    /** The name as the program wrote it, such as {@code den:acme/tiny@1}. */
    public String name() {
        return name;
    }

    /** The den reference it stands for, such as {@code acme/tiny@1}. */
    public String ref() {
        return ref;
    }
}
