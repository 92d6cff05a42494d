package org.den4j.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.graphics.image.LosslessFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./jbang predict} as a user runs it: bad input reaches the shell as exit code 2 with one line on stderr
 * and nothing on stdout. The command's behaviour is tested in-process in lib/coder (PredictCommandTest).
 */
class PredictScriptTest {
    @TempDir
    Path tmp;

    @Test
    void badInputIsOneLineOnStderrAndExitTwo() throws Exception {
        Path scan = tmp.resolve("scan.pdf");
        try (PDDocument doc = new PDDocument()) {
            PDPage page = new PDPage();
            doc.addPage(page);
            try (PDPageContentStream cs = new PDPageContentStream(doc, page)) {
                cs.drawImage(LosslessFactory.createFromImage(doc, new BufferedImage(64, 32,
                        BufferedImage.TYPE_INT_RGB)), 50, 600, 256, 128);
            }
            doc.save(scan.toFile());
        }
        Jbang jbang = Jbang.inRepo().withEnv("DEN4J_PATH", tmp.resolve("den").toString());
        Jbang.Result ocr = jbang.run("predict", "--pdf", scan.toString(), "--json");
        assertEquals(2, ocr.exitCode(), ocr::toString);
        assertEquals("predict: PDF " + scan + " has no text layer (1 page, 1 image: a scan); OCR is not supported: "
                + "give a PDF with selectable text, or the note's text", ownLines(ocr.stderr()), ocr::toString);
        assertEquals("", ocr.stdout());

        Jbang.Result system = jbang.run("predict", "--text", "fever", "--code-system", "icd11");
        assertEquals(2, system.exitCode(), system::toString);
        assertEquals("predict: Unknown code system 'icd11'; use icd10 or icd9", ownLines(system.stderr()),
                system::toString);

        Jbang.Result noCoder = jbang.run("predict", "--text", "chest pain, troponin negative");
        assertEquals(2, noCoder.exitCode(), noCoder::toString);
        String line = ownLines(noCoder.stderr());
        assertTrue(line.startsWith("predict: ") && line.contains("den4j/icd-coder") && !line.contains("\n"),
                noCoder::toString);
    }

    /** What the command printed on stderr, without the lines of JBang and the wrapper (a first run builds). */
    private static String ownLines(String stderr) {
        return stderr.lines().filter(l -> !l.startsWith("[jbang]") && !l.startsWith("[den4j]"))
                .collect(java.util.stream.Collectors.joining("\n"));
    }
}
