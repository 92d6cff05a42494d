package org.den4j.den;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
    @Test
    void byteWorkShowsBinaryUnitsRateAndTimeLeft() {
        ProgressBar bar = new ProgressBar(new PrintStream(new ByteArrayOutputStream()), 0);
        bar.start("push acme/x", 4L << 20);
        String line = bar.line(1L << 20, System.nanoTime());
        assertTrue(line.startsWith("push acme/x [######..................]  25%  1.0 MiB/4.0 MiB  "), line);
        assertTrue(line.contains("/s  ETA "), line);
    }

    @Test
    void countedWorkNamesItsUnitInsteadOfBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ProgressBar bar = new ProgressBar(new PrintStream(out, true, StandardCharsets.UTF_8), 0, "merges");
        bar.start("train tokenizer", 253);
        String line = bar.line(58, System.nanoTime());
        assertTrue(line.startsWith("train tokenizer [######..................]  23%  58/253 merges  "), line);
        assertTrue(line.contains(" merges/s  ETA "), line);
        bar.advance(253);
        bar.finish();
        String last = out.toString(StandardCharsets.UTF_8).substring(out.toString(StandardCharsets.UTF_8)
                .lastIndexOf('\r') + 1);
        assertTrue(last.startsWith("train tokenizer [########################] 100%  253/253 merges  "), last);
        assertEquals(-1, last.indexOf(" B/"), last);
    }

    @Test
    void resumedWorkFillsTheBarButCountsOnlyThisRunInTheRateAndTimeLeft() {
        ProgressBar bar = new ProgressBar(new PrintStream(new ByteArrayOutputStream()), 0, "steps");
        bar.start("train", 100);
        long oneSecondLater = System.nanoTime() + 1_000_000_000L;
        bar.skip(36);
        bar.advance(1);
        bar.detail("loss 2.3412  1830 tok/s");
        String line = bar.line(37, oneSecondLater);
        assertEquals("train [#########...............]  37%  37/100 steps  1.0 steps/s  loss 2.3412  1830 tok/s"
                + "  ETA 1m03s", line);
    }
}
