package org.den4j.lm;

/** A requested device (or compute precision on it) that this machine or this PyTorch build cannot provide. */
public class DeviceNotAvailableException extends LmInputException {
    private static final long serialVersionUID = 1L;
    private final String requested;

    public DeviceNotAvailableException(String requested, String message) {
        super(message);
        this.requested = requested;
    }

    /** The device or precision as the caller named it, e.g. {@code cuda}. */
    public String requested() {
        return requested;
    }
}
