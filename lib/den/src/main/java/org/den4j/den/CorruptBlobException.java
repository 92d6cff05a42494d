package org.den4j.den;

import java.nio.file.Path;

/** A stored file whose bytes no longer match the size or SHA-256 its manifest records. */
public class CorruptBlobException extends DenException {
    private static final long serialVersionUID = 1L;
    private final String model;
    private final String file;
    private final String digest;
    private final transient Path blob;

    public CorruptBlobException(String model, String file, String digest, Path blob, String problem) {
        super("Corrupted blob for file '" + file + "' of model " + model + ": " + problem
                + " (expected sha256:" + digest + (blob == null ? "" : ", blob " + blob)
                + "). Run den verify, which sets damaged blobs aside, then push the model again to restore it.");
        this.model = model;
        this.file = file;
        this.digest = digest;
        this.blob = blob;
    }

    /** The model reference ({@code name@version}) whose file is damaged. */
    public String model() {
        return model;
    }

    /** The path of the damaged file inside the model. */
    public String file() {
        return file;
    }

    /** The SHA-256 the manifest expects, in hex. */
    public String digest() {
        return digest;
    }

    /** The blob on disk, when the den is local; otherwise null. */
    public Path blob() {
        return blob;
    }
}
