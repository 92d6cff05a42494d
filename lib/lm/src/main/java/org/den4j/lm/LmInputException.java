package org.den4j.lm;

import org.den4j.den.BadInput;

/**
 * A failure caused by the caller's input: a missing or malformed file, a folder that is not empty, an unknown
 * name or an out-of-range setting. Commands exit with 2 for it ({@link BadInput}); other {@link LmException}s
 * are failures of the machine or the run.
 */
public class LmInputException extends LmException implements BadInput {
    private static final long serialVersionUID = 1L;

    public LmInputException(String message) {
        super(message);
    }

    public LmInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
