package org.den4j.coder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PdfTextTest {
    private static final List<String> NOTE = List.of(
            "Discharge summary\nChief complaint: shortness of breath.\nHistory: congestive heart failure.",
            "Hospital course: diuresed with furosemide.\nDischarge diagnosis: acute on chronic systolic heart failure.");

    @TempDir
    Path dir;

    @Test
    void readsTheTextOfEveryPageInOrder() throws Exception {
        Path file = TestPdfs.write(dir.resolve("note.pdf"), TestPdfs.text(NOTE));
        PdfText pdf = PdfText.read(file);
        assertEquals(2, pdf.pageCount());
        assertEquals(file.toString(), pdf.source());
        assertTrue(pdf.pages().get(0).contains("Chief complaint: shortness of breath."), pdf.pages().get(0));
        assertTrue(pdf.pages().get(1).contains("furosemide"), pdf.pages().get(1));
        String text = pdf.text();
        assertTrue(text.indexOf("congestive heart failure") < text.indexOf("Hospital course"), text);
        assertTrue(text.startsWith("Discharge summary\nChief complaint"), text);
        assertEquals(pdf.pages(), PdfText.read(TestPdfs.text(NOTE), "upload.pdf").pages());
    }

    @Test
    void aScanWithoutTextLayerSaysOcrIsNotSupported() throws Exception {
        Path file = TestPdfs.write(dir.resolve("scan.pdf"), TestPdfs.scan(2));
        CoderInputException e = assertThrows(CoderInputException.class, () -> PdfText.read(file));
        assertEquals("PDF " + file + " has no text layer (2 pages, 2 images: a scan); OCR is not supported: give a "
                + "PDF with selectable text, or the note's text", e.getMessage());
    }

    @Test
    void anEncryptedPdfIsRefusedNamingTheFile() throws Exception {
        Path file = TestPdfs.write(dir.resolve("locked.pdf"), TestPdfs.encrypted(NOTE));
        CoderInputException e = assertThrows(CoderInputException.class, () -> PdfText.read(file));
        assertTrue(e.getMessage().startsWith("PDF " + file + " is encrypted with a password"), e.getMessage());
    }

    @Test
    void aTruncatedOrForeignFileIsDamagedNamingTheFile() throws Exception {
        Path cut = TestPdfs.write(dir.resolve("cut.pdf"), TestPdfs.truncated(TestPdfs.text(NOTE), 0.3));
        CoderInputException e = assertThrows(CoderInputException.class, () -> PdfText.read(cut));
        assertTrue(e.getMessage().startsWith("PDF " + cut + " is damaged or not a PDF ("), e.getMessage());

        Path text = TestPdfs.write(dir.resolve("note.txt.pdf"), "just text".getBytes(StandardCharsets.UTF_8));
        e = assertThrows(CoderInputException.class, () -> PdfText.read(text));
        assertTrue(e.getMessage().startsWith("PDF " + text + " is damaged or not a PDF ("), e.getMessage());

        e = assertThrows(CoderInputException.class, () -> PdfText.read(dir.resolve("missing.pdf")));
        assertEquals("PDF file " + dir.resolve("missing.pdf") + " does not exist", e.getMessage());
    }
}
