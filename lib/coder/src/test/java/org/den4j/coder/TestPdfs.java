package org.den4j.coder;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.encryption.AccessPermission;
import org.apache.pdfbox.pdmodel.encryption.StandardProtectionPolicy;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.apache.pdfbox.pdmodel.graphics.image.LosslessFactory;
import org.apache.pdfbox.pdmodel.graphics.image.PDImageXObject;

/** PDFs written with PDFBox for tests: text pages, a scan (images only), encrypted, truncated. */
public final class TestPdfs {
    private TestPdfs() {
    }

    /** A PDF with one page per entry of {@code pages}, each line of a page on its own text line. */
    public static byte[] text(List<String> pages) throws IOException {
        try (PDDocument doc = new PDDocument()) {
            addTextPages(doc, pages);
            return save(doc);
        }
    }

    /** A PDF whose pages are each one image and no text: what a scanner makes. */
    public static byte[] scan(int pageCount) throws IOException {
        try (PDDocument doc = new PDDocument()) {
            BufferedImage img = new BufferedImage(200, 100, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = img.createGraphics();
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, 200, 100);
            g.setColor(Color.BLACK);
            g.drawString("Discharge summary", 10, 50);
            g.dispose();
            for (int i = 0; i < pageCount; i++) {
                PDPage page = new PDPage();
                doc.addPage(page);
                PDImageXObject image = LosslessFactory.createFromImage(doc, img);
                try (PDPageContentStream cs = new PDPageContentStream(doc, page)) {
                    cs.drawImage(image, 50, 500, 400, 200);
                }
            }
            return save(doc);
        }
    }

    /** A text PDF that needs the user password {@code secret} to open. */
    public static byte[] encrypted(List<String> pages) throws IOException {
        try (PDDocument doc = new PDDocument()) {
            addTextPages(doc, pages);
            StandardProtectionPolicy policy = new StandardProtectionPolicy("owner", "secret", new AccessPermission());
            policy.setEncryptionKeyLength(128);
            doc.protect(policy);
            return save(doc);
        }
    }

    /** The first {@code fraction} of a PDF's bytes: a download cut short. */
    public static byte[] truncated(byte[] pdf, double fraction) {
        return Arrays.copyOf(pdf, (int) (pdf.length * fraction));
    }

    public static Path write(Path file, byte[] bytes) throws IOException {
        Files.write(file, bytes);
        return file;
    }

    private static void addTextPages(PDDocument doc, List<String> pages) throws IOException {
        PDType1Font font = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
        for (String text : pages) {
            PDPage page = new PDPage();
            doc.addPage(page);
            try (PDPageContentStream cs = new PDPageContentStream(doc, page)) {
                cs.beginText();
                cs.setFont(font, 11);
                cs.setLeading(14);
                cs.newLineAtOffset(50, 720);
                for (String line : text.split("\n")) {
                    cs.showText(line);
                    cs.newLine();
                }
                cs.endText();
            }
        }
    }

    private static byte[] save(PDDocument doc) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        doc.save(out);
        return out.toByteArray();
    }
}
