package org.den4j.coder;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The {@value #FILE_NAME} of a coder folder: what kind of coder it is and what it was trained on. The kind's own
 * files (weights, thresholds, vocabulary) sit beside it with {@link CodeDictionary#FILE_NAME}.
 *
 * @param format always {@value #FORMAT}
 * @param formatVersion {@value #FORMAT_VERSION}
 * @param kind the coder kind, the key of its {@link CoderFormat}
 * @param versions the ICD versions it was trained on ({@code icd9}, {@code icd10})
 * @param base for language-model coders, the den reference of the base model; else null
 * @param metrics validation figures ({@code validation_micro_f1}, ...)
 * @param trainedOn the data it was trained on (database, split sizes)
 * @param createdAt ISO-8601 instant
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CoderConfig(@JsonProperty("format") String format, @JsonProperty("format_version") int formatVersion,
        @JsonProperty("kind") String kind, @JsonProperty("versions") List<String> versions,
        @JsonProperty("base") String base, @JsonProperty("metrics") Map<String, Double> metrics,
        @JsonProperty("trained_on") Map<String, Object> trainedOn, @JsonProperty("created_at") String createdAt) {
    public static final String FILE_NAME = "coder.json";
    public static final String FORMAT = "den4j-icd-coder";
    public static final int FORMAT_VERSION = 1;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public CoderConfig {
        versions = versions == null ? List.of() : List.copyOf(versions);
        metrics = metrics == null ? Map.of() : Map.copyOf(metrics);
        trainedOn = trainedOn == null ? Map.of() : Map.copyOf(trainedOn);
    }

    /** A new coder's config. */
    public static CoderConfig of(String kind, List<IcdVersion> versions, String base, Map<String, Double> metrics,
            Map<String, Object> trainedOn) {
        return new CoderConfig(FORMAT, FORMAT_VERSION, kind, versions.stream().map(IcdVersion::id).toList(), base,
                metrics, trainedOn, java.time.Instant.now().toString());
    }

    /** Whether {@code folder} holds a {@value #FILE_NAME}. */
    public static boolean isCoderFolder(Path folder) {
        return Files.isRegularFile(folder.resolve(FILE_NAME));
    }

    /**
     * Reads {@value #FILE_NAME} of {@code folder}.
     *
     * @throws CoderInputException when there is none or it is not a den4j coder's
     */
    public static CoderConfig read(Path folder) {
        Path file = folder.resolve(FILE_NAME);
        CoderConfig c;
        try {
            c = JSON.readValue(Files.readString(file), CoderConfig.class);
        } catch (NoSuchFileException e) {
            throw new CoderInputException(folder + " is not an ICD coder: it has no " + FILE_NAME, e);
        } catch (IOException e) {
            throw new CoderInputException("Cannot read " + file + ": " + e.getMessage(), e);
        }
        if (!FORMAT.equals(c.format()) || c.kind() == null) {
            throw new CoderInputException(file + " is not a den4j coder's (format " + c.format() + ", kind "
                    + c.kind() + ")");
        }
        if (c.formatVersion() > FORMAT_VERSION) {
            throw new CoderInputException(file + " has format_version " + c.formatVersion() + "; this den4j reads "
                    + "up to " + FORMAT_VERSION + ": update den4j");
        }
        return c;
    }

    /** Writes {@value #FILE_NAME} into {@code folder}. */
    public void write(Path folder) {
        try {
            Files.writeString(folder.resolve(FILE_NAME), JSON.writeValueAsString(this) + "\n");
        } catch (IOException e) {
            throw new CoderException("Cannot write " + folder.resolve(FILE_NAME) + ": " + e.getMessage(), e);
        }
    }

    /** The versions as enums. */
    public List<IcdVersion> icdVersions() {
        return versions.stream().map(IcdVersion::parse).toList();
    }

    /** The same config with these metrics added. */
    public CoderConfig withMetrics(Map<String, Double> more) {
        Map<String, Double> m = new java.util.TreeMap<>(metrics);
        m.putAll(more);
        return new CoderConfig(format, formatVersion, kind, versions, base, m, trainedOn, createdAt);
    }
}
