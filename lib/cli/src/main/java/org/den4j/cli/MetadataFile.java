package org.den4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.den4j.den.DenException;
import org.den4j.den.DenInputException;
import org.den4j.den.ModelMetadata;
import org.den4j.den.format.Json;

/** Reads {@link ModelMetadata} from a JSON or YAML file given on the command line. */
final class MetadataFile {
    private MetadataFile() {
    }

    /**
     * Reads the file, YAML when it ends in {@code .yaml} or {@code .yml}, else JSON; null gives
     * {@link ModelMetadata#EMPTY}.
     *
     * @throws DenInputException when the file is missing or is not ModelMetadata
     */
    static ModelMetadata read(Path file) {
        if (file == null) {
            return ModelMetadata.EMPTY;
        }
        if (!Files.isRegularFile(file)) {
            throw new DenInputException("Metadata file " + file.toAbsolutePath() + " does not exist; pass a JSON or "
                    + "YAML file with fields such as modelType, architecture, inputs, outputs");
        }
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        ObjectMapper mapper = n.endsWith(".yaml") || n.endsWith(".yml") ? Json.YAML : Json.MAPPER;
        try {
            ModelMetadata metadata = mapper.readValue(file.toFile(), ModelMetadata.class);
            if (metadata == null) {
                throw new DenInputException("Metadata file " + file + " is empty; write a JSON or YAML object with "
                        + "fields such as modelType, architecture, inputs, outputs");
            }
            return metadata;
        } catch (IOException e) {
            // A record's own check (IoSpec without a data type, ...) says best what is wrong.
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof DenException d) {
                    throw new DenInputException("Metadata file " + file + ": " + d.getMessage(), e);
                }
            }
            String detail = e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage()
                    : e.toString();
            throw new DenInputException("Metadata file " + file + " is not valid ModelMetadata " + (mapper == Json.YAML
                    ? "YAML" : "JSON") + " (" + detail + "); write an object with fields such as modelType, "
                    + "architecture, inputs, outputs", e);
        }
    }
}
