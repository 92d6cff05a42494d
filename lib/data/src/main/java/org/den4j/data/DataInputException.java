package org.den4j.data;

import org.den4j.den.BadInput;

/**
 * A failure caused by the caller's input: a missing database, tokenizer or token set, an output folder that
 * already has files, an unknown split or version. Commands exit with 2 for it ({@link BadInput}); other
 * {@link DataException}s are failures of the machine or the run (I/O, DuckDB).
 */
public class DataInputException extends DataException implements BadInput {
    private static final long serialVersionUID = 1L;

    public DataInputException(String message) {
        super(message);
    }

    public DataInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
