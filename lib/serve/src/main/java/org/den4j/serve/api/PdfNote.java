package org.den4j.serve.api;

import org.den4j.coder.CoderInputException;
import org.den4j.coder.PdfText;

/** An uploaded PDF as the API answers for it: 415 when it is not a PDF, 422 when its text cannot be read. */
final class PdfNote {
    private static final byte[] MAGIC = {'%', 'P', 'D', 'F', '-'};

    private PdfNote() {
    }

    /**
     * Reads a PDF's text with lib/coder's {@link PdfText} (what {@code predict --pdf} reads).
     *
     * @throws ApiException 415 when the bytes are not a PDF, 422 when it is encrypted, damaged or has no text layer
     */
    static PdfText read(byte[] bytes, String name) {
        if (!startsWithMagic(bytes)) {
            throw new ApiException(415, "invalid_request_error", "unsupported_media_type", "The file '" + name
                    + "' is not a PDF (it does not start with %PDF-); send a PDF, or POST its text to /predict");
        }
        try {
            return PdfText.read(bytes, name);
        } catch (CoderInputException e) {
            throw new ApiException(422, "invalid_request_error", "unprocessable_pdf", e.getMessage());
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
