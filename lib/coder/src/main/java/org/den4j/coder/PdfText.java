package org.den4j.coder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDResources;
import org.apache.pdfbox.pdmodel.encryption.InvalidPasswordException;
import org.apache.pdfbox.pdmodel.graphics.PDXObject;
import org.apache.pdfbox.pdmodel.graphics.form.PDFormXObject;
import org.apache.pdfbox.pdmodel.graphics.image.PDImageXObject;
import org.apache.pdfbox.text.PDFTextStripper;

/**
 * The text layer of a PDF, page by page, read with PDFBox: what {@code predict --pdf} and {@code POST /predict/pdf}
 * code.
 *
 * <pre>{@code
 * PdfText pdf = PdfText.read(Path.of("discharge.pdf"));
 * Prediction p = coder.predict(pdf.text(), PredictOptions.DEFAULTS);
 * }</pre>
 *
 * <p>Limits: there is no OCR, so a scan (pages that are images) is refused; a PDF that needs a password to open is
 * refused (one with only an owner password, which anyone may read, is read). Text comes in the order of each
 * page's content stream, as PDFBox extracts it; multi-column layouts may interleave.
 *
 * @param source the file or name the PDF came from (for messages)
 * @param pages the text of every page, in order (a page without text is an empty string)
 */
public record PdfText(String source, List<String> pages) {
    public PdfText {
        pages = List.copyOf(pages);
    }

    /**
     * Reads the text of every page of a PDF file.
     *
     * @throws CoderInputException when the file is missing, encrypted, damaged, or has no text layer (OCR is not
     *     supported)
     */
    public static PdfText read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new CoderInputException("PDF file " + file + " does not exist");
        }
        try (PDDocument doc = Loader.loadPDF(file.toFile())) {
            return extract(file.toString(), doc);
        } catch (InvalidPasswordException e) {
            throw encrypted(file.toString(), e);
        } catch (IOException e) {
            throw damaged(file.toString(), e);
        }
    }

    /**
     * Reads the text of every page of a PDF held in memory (an upload).
     *
     * @param name what to call it in messages (the upload's file name)
     * @throws CoderInputException as {@link #read(Path)}
     */
    public static PdfText read(byte[] pdf, String name) {
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            return extract(name, doc);
        } catch (InvalidPasswordException e) {
            throw encrypted(name, e);
        } catch (IOException e) {
            throw damaged(name, e);
        }
    }

    /** The number of pages. */
    public int pageCount() {
        return pages.size();
    }

    /** The text of all pages in order, pages separated by a blank line. */
    public String text() {
        StringBuilder s = new StringBuilder();
        for (String page : pages) {
            if (page.isBlank()) {
                continue;
            }
            if (s.length() > 0) {
                s.append("\n\n");
            }
            s.append(page.strip());
        }
        return s.toString();
    }

    private static PdfText extract(String name, PDDocument doc) throws IOException {
        int count = doc.getNumberOfPages();
        if (count == 0) {
            throw new CoderInputException("PDF " + name + " has no pages");
        }
        PDFTextStripper stripper = new PDFTextStripper();
        stripper.setLineSeparator("\n");
        List<String> pages = new ArrayList<>(count);
        boolean anyText = false;
        for (int i = 1; i <= count; i++) {
            stripper.setStartPage(i);
            stripper.setEndPage(i);
            String text = stripper.getText(doc);
            anyText |= !text.isBlank();
            pages.add(text);
        }
        if (!anyText) {
            int images = 0;
            for (PDPage page : doc.getPages()) {
                images += countImages(page.getResources(), 0);
            }
            String what = count + (count == 1 ? " page" : " pages") + (images > 0
                    ? ", " + images + (images == 1 ? " image" : " images") + ": a scan" : " without text");
            throw new CoderInputException("PDF " + name + " has no text layer (" + what + "); OCR is not supported: "
                    + "give a PDF with selectable text, or the note's text");
        }
        return new PdfText(name, pages);
    }

    private static int countImages(PDResources resources, int depth) throws IOException {
        if (resources == null || depth > 8) {
            return 0;
        }
        int n = 0;
        for (COSName key : resources.getXObjectNames()) {
            PDXObject x = resources.getXObject(key);
            if (x instanceof PDImageXObject) {
                n++;
            } else if (x instanceof PDFormXObject form) {
                n += countImages(form.getResources(), depth + 1);
            }
        }
        return n;
    }

    private static CoderInputException encrypted(String name, IOException e) {
        return new CoderInputException("PDF " + name + " is encrypted with a password; den4j does not open encrypted "
                + "PDFs: save a copy without the password and give that", e);
    }

    private static CoderInputException damaged(String name, IOException e) {
        String why = String.valueOf(e.getMessage()).replace('\n', ' ');
        return new CoderInputException("PDF " + name + " is damaged or not a PDF (" + why + "); give the original file",
                e);
    }
}
