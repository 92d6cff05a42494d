package org.den4j.cli;

import java.nio.file.Path;
import org.den4j.den.DenInputException;
import org.den4j.den.MetadataDocument;
import org.den4j.den.ModelMetadata;
import org.den4j.den.format.MetadataCodec;

/**
 * Reads a metadata file given on the command line, in den4j's camelCase form or the Python model manager's
 * snake_case form ({@link MetadataCodec}).
 */
final class MetadataFile {
    private MetadataFile() {
    }

    /**
     * Reads the file, YAML when it ends in {@code .yaml} or {@code .yml}, else JSON; null gives an empty document.
     *
     * @throws DenInputException when the file is missing, unparsable or holds a key of neither form
     */
    static MetadataDocument read(Path file) {
        return file == null ? MetadataDocument.of(ModelMetadata.EMPTY) : MetadataCodec.read(file);
    }

    /**
     * Reads the file for a push or register under {@code name}: a {@code model_id} (or {@code name}) in it must be
     * {@code name}.
     *
     * @throws DenInputException when the file names another model
     */
    static MetadataDocument readFor(Path file, String name) {
        MetadataDocument doc = read(file);
        if (doc.name() != null && !doc.name().equals(name)) {
            throw new DenInputException("Metadata file " + file.toAbsolutePath() + " names model '" + doc.name()
                    + "' but the command names " + name + "; make them agree, or leave model_id out of the file");
        }
        return doc;
    }
}
