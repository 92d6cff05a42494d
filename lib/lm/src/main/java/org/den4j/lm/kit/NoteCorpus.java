package org.den4j.lm.kit;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.den4j.lm.LmException;
import org.den4j.lm.LmInputException;
import org.den4j.lm.tokenizer.BpeTokenizer;

/**
 * The texts a kit model learns from: a UTF-8 text file, or the {@code note_text} column of the
 * view {@code admission_facts} in a DuckDB database built by den4j's data module
 * ({@code mimic-dataset.duckdb}).
 *
 * <p>A text file is one document, or several separated by lines holding only
 * {@code <|endoftext|>}. Reading stops once {@code maxCharacters} have been read, so a large
 * corpus costs a bounded time.
 *
 * @param source where the texts came from
 * @param documents the texts, in source order
 */
public record NoteCorpus(Path source, List<String> documents) {
    public NoteCorpus {
        documents = List.copyOf(documents);
    }

    /** The number of characters in all documents. */
    public long characters() {
        long n = 0;
        for (String d : documents) {
            n += d.length();
        }
        return n;
    }

    /**
     * Reads a corpus: a DuckDB database when the file name ends in {@code .duckdb} or
     * {@code .db}, else a UTF-8 text file.
     *
     * @throws LmException if the file is missing, empty, not UTF-8, or the database lacks the notes
     */
    public static NoteCorpus read(Path source, long maxCharacters) {
        if (!Files.isRegularFile(source)) {
            throw new LmInputException("corpus " + source + " does not exist; pass a UTF-8 text file or a DuckDB database "
                    + "with admission_facts.note_text (./jbang data builds mimic-dataset.duckdb)");
        }
        String name = source.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        NoteCorpus corpus = name.endsWith(".duckdb") || name.endsWith(".db")
                ? readDatabase(source, maxCharacters) : readText(source, maxCharacters);
        if (corpus.characters() == 0) {
            throw new LmInputException("corpus " + source + " holds no text; the kit needs notes to train its tokenizer "
                    + "and model");
        }
        return corpus;
    }

    private static NoteCorpus readText(Path file, long maxCharacters) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file)))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new LmInputException("corpus " + file + " is not UTF-8 text; convert it (iconv -t UTF-8) or pass a "
                    + "DuckDB database", e);
        } catch (IOException e) {
            throw new LmException("cannot read corpus " + file + ": " + e.getMessage(), e);
        }
        if (text.length() > maxCharacters) {
            text = text.substring(0, (int) maxCharacters);
        }
        List<String> docs = new ArrayList<>();
        for (String doc : text.split("(?m)^\\Q" + BpeTokenizer.END_OF_TEXT + "\\E\\s*$")) {
            if (!doc.isBlank()) {
                docs.add(doc.strip());
            }
        }
        return new NoteCorpus(file, docs);
    }

    private static NoteCorpus readDatabase(Path file, long maxCharacters) {
        Properties props = new Properties();
        props.setProperty("duckdb.read_only", "true");
        List<String> docs = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + file.toAbsolutePath(), props);
                Statement s = c.createStatement()) {
            try (ResultSet t = s.executeQuery("SELECT count(*) FROM information_schema.columns "
                    + "WHERE table_name = 'admission_facts' AND column_name = 'note_text'")) {
                t.next();
                if (t.getLong(1) == 0) {
                    throw new LmInputException("database " + file + " has no admission_facts.note_text; build it with "
                            + "den4j's data module (./jbang data), or pass a text file as the corpus");
                }
            }
            long total = 0;
            try (ResultSet rs = s.executeQuery("SELECT note_text FROM admission_facts WHERE note_text IS NOT NULL "
                    + "AND length(note_text) > 0")) {
                while (rs.next() && total < maxCharacters) {
                    String note = rs.getString(1);
                    docs.add(note);
                    total += note.length();
                }
            }
        } catch (SQLException e) {
            throw new LmException("cannot read notes from DuckDB database " + file + ": " + e.getMessage(), e);
        }
        return new NoteCorpus(file, docs);
    }
}
