package org.den4j.coder;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The codes a coder can assign and their descriptions, from MIMIC's dictionaries ({@code d_icd_diagnoses},
 * {@code d_icd_procedures}, exposed as the {@code code_dictionary} view by {@code prepare-mimic}). Every coder
 * folder holds one ({@value #FILE_NAME}), so a coder alone can describe its codes. Immutable.
 */
public final class CodeDictionary {
    /** The file of a coder folder that holds the dictionary: one {@code system<TAB>code<TAB>description} a line. */
    public static final String FILE_NAME = "dictionary.tsv";

    private final Map<Code, String> descriptions;

    private CodeDictionary(Map<Code, String> descriptions) {
        this.descriptions = Collections.unmodifiableMap(new TreeMap<>(descriptions));
    }

    /** A dictionary of exactly these codes and descriptions. */
    public static CodeDictionary of(Map<Code, String> descriptions) {
        return new CodeDictionary(descriptions);
    }

    /**
     * Reads the dictionary of a MIMIC database written by {@code prepare-mimic}.
     *
     * @throws CoderInputException when the file is not such a database (or predates the {@code code_dictionary}
     *     view: run prepare-mimic again)
     */
    public static CodeDictionary fromDatabase(Path database) {
        if (!Files.isRegularFile(database)) {
            throw new CoderInputException("MIMIC database " + database + " does not exist; write one with "
                    + "./jbang prepare-mimic");
        }
        Properties readOnly = new Properties();
        readOnly.setProperty("duckdb.read_only", "true");
        Map<Code, String> map = new TreeMap<>();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + database.toAbsolutePath(), readOnly);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT code, icd_version, is_procedure, long_title FROM code_dictionary")) {
            while (rs.next()) {
                CodeSystem system = CodeSystem.of(IcdVersion.of(rs.getInt(2)), rs.getBoolean(3));
                String title = rs.getString(4);
                map.put(new Code(rs.getString(1), system), title == null ? "" : title);
            }
        } catch (SQLException e) {
            throw new CoderInputException("Cannot read the code dictionary of " + database + ": " + e.getMessage()
                    + "; it must be a database written by ./jbang prepare-mimic (run it again if it predates the "
                    + "code_dictionary view)", e);
        }
        return new CodeDictionary(map);
    }

    /**
     * Reads {@value #FILE_NAME} of a coder folder.
     *
     * @throws CoderInputException when the folder has no dictionary or a line is malformed
     */
    public static CodeDictionary read(Path coderFolder) {
        Path file = coderFolder.resolve(FILE_NAME);
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new CoderInputException("Coder folder " + coderFolder + " has no " + FILE_NAME + "; it is not a "
                    + "complete coder: train it again with ./jbang train-coder", e);
        } catch (IOException e) {
            throw new CoderException("Cannot read " + file + ": " + e.getMessage(), e);
        }
        Map<Code, String> map = new TreeMap<>();
        int n = 0;
        for (String line : lines) {
            n++;
            if (line.isEmpty()) {
                continue;
            }
            String[] parts = line.split("\t", 3);
            if (parts.length < 2) {
                throw new CoderInputException(file + " line " + n + " is not SYSTEM<TAB>CODE<TAB>DESCRIPTION");
            }
            map.put(new Code(parts[1], CodeSystem.parse(parts[0])), parts.length > 2 ? parts[2] : "");
        }
        return new CodeDictionary(map);
    }

    /** Writes {@value #FILE_NAME} into {@code coderFolder}. */
    public void write(Path coderFolder) {
        Path file = coderFolder.resolve(FILE_NAME);
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (Map.Entry<Code, String> e : descriptions.entrySet()) {
                w.write(e.getKey().system().label());
                w.write('\t');
                w.write(e.getKey().code());
                w.write('\t');
                w.write(e.getValue().replace('\t', ' ').replace('\n', ' '));
                w.write('\n');
            }
        } catch (IOException e) {
            throw new CoderException("Cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Whether the dictionary has this code. */
    public boolean contains(Code code) {
        return descriptions.containsKey(code);
    }

    /** The description of a code, if the dictionary has it. */
    public Optional<String> describe(Code code) {
        return Optional.ofNullable(descriptions.get(code));
    }

    /** Every code, sorted by system then code. */
    public List<Code> codes() {
        return List.copyOf(descriptions.keySet());
    }

    /** The codes of one version (diagnoses and procedures). */
    public List<Code> codes(IcdVersion version) {
        return descriptions.keySet().stream().filter(c -> c.system().version() == version).toList();
    }

    /** A dictionary of only these codes (unknown ones get an empty description). */
    public CodeDictionary restrictTo(java.util.Collection<Code> codes) {
        Map<Code, String> map = new TreeMap<>();
        for (Code c : codes) {
            map.put(c, descriptions.getOrDefault(c, ""));
        }
        return new CodeDictionary(map);
    }

    public int size() {
        return descriptions.size();
    }
}
