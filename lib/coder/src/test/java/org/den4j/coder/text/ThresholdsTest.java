package org.den4j.coder.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ThresholdsTest {
    @TempDir
    Path dir;

    @Test
    void eachFrequentLabelGetsTheThresholdThatMaximizesItsF1AndRareOnesTheGlobal() {
        // Label A: positives score 0.9 and 0.7, a negative 0.8 and one 0.2. Keeping down to 0.7 gives
        // F1 = 2*2/(2+3) = 0.8; down to 0.9 only gives 2/3. So the threshold lies between 0.7 and 0.2.
        List<Set<String>> gold = List.of(Set.of("A"), Set.of(), Set.of("A", "R"), Set.of());
        List<List<LabelScore>> scores = List.of(
                List.of(new LabelScore("A", 0.9), new LabelScore("R", 0.1)),
                List.of(new LabelScore("A", 0.8), new LabelScore("R", 0.3)),
                List.of(new LabelScore("A", 0.7), new LabelScore("R", 0.6)),
                List.of(new LabelScore("A", 0.2), new LabelScore("R", 0.05)));
        Thresholds t = Thresholds.tune(gold, scores, 2, 0.5);
        assertEquals(0.45, t.threshold("A"), 1e-9);
        assertFalse(t.perLabel().containsKey("R"), "one positive is too few for a threshold of its own");
        assertEquals(t.global(), t.threshold("R"));
        assertTrue(t.accepts("A", 0.7) && !t.accepts("A", 0.2));
        t.save(dir);
        Thresholds back = Thresholds.load(dir);
        assertEquals(t.perLabel(), back.perLabel());
        assertEquals(t.global(), back.global());
    }

    @Test
    void noHeldOutTextsGiveTheFallback() {
        assertEquals(0.5, Thresholds.tune(List.of(), List.of(), 2, 0.5).global());
    }
}
