package org.den4j.serve.api;

import java.io.IOException;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.encryption.InvalidPasswordException;
import org.apache.pdfbox.text.PDFTextStripper;

/**
 * The text layer of an uploaded PDF, every page in order (PDFBox). To be replaced by lib/coder's PdfText, which
 * {@code predict --pdf} uses, once it is on main.
 *
 * @param text the text of every page
 * @param pages the number of pages
 */
record PdfNote(String text, int pages) {
    private static final byte[] MAGIC = {'%', 'P', 'D', 'F', '-'};

    /**
     * Reads a PDF's text.
     *
     * @throws ApiException 415 when the bytes are not a PDF, 422 when it is encrypted, damaged or has no text layer
     */
    static PdfNote read(byte[] bytes, String name) {
        if (!startsWithMagic(bytes)) {
            throw new ApiException(415, "invalid_request_error", "unsupported_media_type", "The file '" + name
                    + "' is not a PDF (it does not start with %PDF-); send a PDF, or POST its text to /predict");
        }
        try (PDDocument doc = Loader.loadPDF(bytes)) {
            PDFTextStripper stripper = new PDFTextStripper();
            stripper.setSortByPosition(true);
            String text = stripper.getText(doc);
            if (text.isBlank()) {
                throw new ApiException(422, "invalid_request_error", "no_text_layer", "The PDF '" + name + "' has "
                        + doc.getNumberOfPages() + " page(s) but no text layer (a scan?); OCR is not supported: "
                        + "run OCR first or POST the note's text to /predict");
            }
            return new PdfNote(text, doc.getNumberOfPages());
        } catch (InvalidPasswordException e) {
            throw new ApiException(422, "invalid_request_error", "encrypted_pdf", "The PDF '" + name + "' is "
                    + "encrypted; send a copy without a password");
        } catch (IOException e) {
            throw new ApiException(422, "invalid_request_error", "damaged_pdf", "The PDF '" + name + "' cannot be "
                    + "read (" + e.getMessage() + "); it may be damaged or cut short");
        }
    }

    private static boolean startsWithMagic(byte[] bytes) {
        // PDF readers accept the header within the first 1024 bytes; so does this check
        int limit = Math.min(bytes.length - MAGIC.length, 1024);
        for (int i = 0; i <= limit; i++) {
            boolean match = true;
            for (int j = 0; j < MAGIC.length && match; j++) {
                match = bytes[i + j] == MAGIC[j];
            }
            if (match) {
                return true;
            }
        }
        return false;
    }
}
