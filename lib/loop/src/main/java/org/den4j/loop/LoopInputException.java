package org.den4j.loop;

/** Bad input from a caller: a request body, a file, a name or a setting (400 unless said otherwise). */
public class LoopInputException extends LoopException implements org.den4j.den.BadInput {
    private static final long serialVersionUID = 1L;

    /** Bad input (400, {@code invalid_request_error}). */
    public LoopInputException(String message) {
        super(400, "invalid_request_error", message, null);
    }

    /** Bad input answered with another status (413 too large, 415 unsupported type). */
    public LoopInputException(int status, String message) {
        super(status, "invalid_request_error", message, null);
    }
}
