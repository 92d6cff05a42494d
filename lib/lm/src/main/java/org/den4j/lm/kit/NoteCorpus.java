package org.den4j.lm.kit;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.den4j.lm.LmException;
import org.den4j.lm.LmInputException;
import org.den4j.lm.tokenizer.BpeTokenizer;

/**
 * The texts a kit model learns from: a UTF-8 text file ({@link #read}), or any list of documents.
 *
 * <p>A text file is one document, or several separated by lines holding only
 * {@code <|endoftext|>}. Reading stops once {@code maxCharacters} have been read, so a large
 * corpus costs a bounded time.
 *
 * <p>The notes of a MIMIC database ({@code mimic-dataset.duckdb}) are read by the data module, which owns that
 * schema: {@code new NoteCorpus(db, AdmissionNotes.read(db, max))}, as {@code lm-kit} and the pipeline do. This
 * module sits beside data, not above it, so it does not read data's views itself.
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

    /** True when {@code file}'s name says DuckDB ({@code .duckdb} or {@code .db}): its notes are data's to read. */
    public static boolean isDatabase(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".duckdb") || name.endsWith(".db");
    }

    /**
     * Reads a UTF-8 text file.
     *
     * @throws LmInputException if the file is missing, empty, not UTF-8 or a DuckDB database
     * @throws LmException if it cannot be read
     */
    public static NoteCorpus read(Path source, long maxCharacters) {
        if (!Files.isRegularFile(source)) {
            throw new LmInputException("corpus " + source + " does not exist; pass a UTF-8 text file or a DuckDB database "
                    + "with admission_facts.note_text (./jbang prepare-mimic builds mimic-dataset.duckdb)");
        }
        if (isDatabase(source)) {
            throw new LmInputException("corpus " + source + " is a DuckDB database; read its notes with "
                    + "org.den4j.data.AdmissionNotes and pass new NoteCorpus(db, notes), as ./jbang lm-kit does");
        }
        return requireText(readText(source, maxCharacters));
    }

    /**
     * This corpus, checked to hold some text.
     *
     * @throws LmInputException if its documents are empty
     */
    public NoteCorpus requireText() {
        return requireText(this);
    }

    private static NoteCorpus requireText(NoteCorpus corpus) {
        if (corpus.characters() == 0) {
            throw new LmInputException("corpus " + corpus.source() + " holds no text; the kit needs notes to train its "
                    + "tokenizer and model");
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
}
