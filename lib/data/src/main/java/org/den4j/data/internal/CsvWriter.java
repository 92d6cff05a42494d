package org.den4j.data.internal;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/**
 * Writes one CSV file, gzip-compressed when its name ends in {@code .gz}, with the quoting of a MIMIC
 * release: MIMIC-III quotes the header and every text value; MIMIC-IV quotes only values that need it.
 */
public final class CsvWriter implements AutoCloseable {
    private final Writer out;
    private final boolean quoteText;
    private boolean firstInRow = true;

    /**
     * @param file the file to write (its parent must exist)
     * @param quoteText true for MIMIC-III's style: header and all text values in double quotes
     * @param header the column names
     */
    public CsvWriter(Path file, boolean quoteText, String... header) {
        this.quoteText = quoteText;
        try {
            OutputStream raw = Files.newOutputStream(file);
            if (file.getFileName().toString().endsWith(".gz")) {
                // The stream's header has mtime 0, so the same seed gives the same bytes.
                raw = new GZIPOutputStream(raw, 1 << 16);
            }
            this.out = new BufferedWriter(new OutputStreamWriter(raw, StandardCharsets.UTF_8), 1 << 16);
            for (String h : header) {
                text(h);
            }
            endRow();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private void separator() throws IOException {
        if (!firstInRow) {
            out.write(',');
        }
        firstInRow = false;
    }

    /** A text value; null writes an empty field. */
    public CsvWriter text(String value) {
        try {
            separator();
            if (value == null) {
                return this;
            }
            boolean needs = quoteText || value.isEmpty() || value.indexOf(',') >= 0 || value.indexOf('"') >= 0
                    || value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0;
            if (needs) {
                out.write('"');
                out.write(value.indexOf('"') >= 0 ? value.replace("\"", "\"\"") : value);
                out.write('"');
            } else {
                out.write(value);
            }
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A value written as it is, never quoted: numbers and timestamps; null writes an empty field. */
    public CsvWriter plain(Object value) {
        try {
            separator();
            if (value != null) {
                out.write(value.toString());
            }
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Ends the row. */
    public void endRow() {
        try {
            out.write('\n');
            firstInRow = true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
