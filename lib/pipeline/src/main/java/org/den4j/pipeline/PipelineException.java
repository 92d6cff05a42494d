package org.den4j.pipeline;

/** A step of the pipeline or of a fine-tune that cannot go on; the message names the step, the file and the fix. */
public class PipelineException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public PipelineException(String message) {
        super(message);
    }

    public PipelineException(String message, Throwable cause) {
        super(message, cause);
    }
}
