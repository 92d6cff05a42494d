package org.den4j.coder.lm;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;
import org.den4j.coder.CoderConfig;
import org.den4j.coder.CoderException;
import org.den4j.coder.CoderInputException;
import org.den4j.den.io.FileTree;

/**
 * Coder folders: the JSON settings files of their kind, and writing a folder beside its target and moving it into
 * place, so a failed run leaves nothing half-written.
 */
final class CoderFolders {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private CoderFolders() {
    }

    /**
     * Reads {@code fileName} of a coder folder of {@code kind} as {@code type} (unknown fields are ignored).
     *
     * @throws CoderInputException when the file is missing (the coder is incomplete) or cannot be read
     */
    static <T> T readJson(Path folder, String fileName, String kind, Class<T> type) {
        Path file = folder.resolve(fileName);
        try {
            return JSON.readValue(Files.readString(file), type);
        } catch (NoSuchFileException e) {
            throw new CoderInputException("Coder folder " + folder + " has no " + fileName + "; it is not a complete "
                    + kind + " coder: train it again with ./jbang train-coder --coder " + kind, e);
        } catch (IOException e) {
            throw new CoderInputException("Cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Writes {@code value} as indented JSON to {@code fileName} in {@code folder}. */
    static void writeJson(Path folder, String fileName, Object value) {
        try {
            Files.writeString(folder.resolve(fileName), JSON.writeValueAsString(value) + "\n");
        } catch (IOException e) {
            throw new CoderException("Cannot write " + folder.resolve(fileName) + ": " + e.getMessage(), e);
        }
    }

    /**
     * A new empty folder beside {@code target}.
     *
     * @throws CoderInputException when {@code target} exists and is neither empty nor a coder folder
     */
    static Path staging(Path target) {
        Path t = target.toAbsolutePath().normalize();
        if (Files.isDirectory(t) && !CoderConfig.isCoderFolder(t)) {
            try (Stream<Path> files = Files.list(t)) {
                if (files.findAny().isPresent()) {
                    throw new CoderInputException("Output folder " + t + " holds files but no coder; choose another "
                            + "--output-dir or empty it");
                }
            } catch (IOException e) {
                throw new CoderException("Cannot read " + t + ": " + e.getMessage(), e);
            }
        } else if (Files.exists(t) && !Files.isDirectory(t)) {
            throw new CoderInputException("Output " + t + " is a file; give a folder for the coder");
        }
        try {
            Files.createDirectories(t.getParent());
            return Files.createTempDirectory(t.getParent(), "." + t.getFileName() + "-");
        } catch (IOException e) {
            throw new CoderException("Cannot create a folder beside " + t + ": " + e.getMessage(), e);
        }
    }

    /** Moves the complete {@code staged} folder to {@code target}, replacing an older coder there. */
    static Path commit(Path staged, Path target) {
        Path t = target.toAbsolutePath().normalize();
        Path old = null;
        try {
            if (Files.exists(t)) {
                old = t.resolveSibling("." + t.getFileName() + "-old-" + System.nanoTime());
                Files.move(t, old, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.move(staged, t, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new CoderException("Cannot move the trained coder into " + t + ": " + e.getMessage(), e);
        }
        FileTree.deleteQuietly(old);
        return t;
    }
}
