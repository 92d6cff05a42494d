package org.den4j.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class CodeScoresTest {
    @Test
    void microScoresCountEachNotesCodesAsASet() {
        CodeScores s = CodeScores.of(
                List.of(List.of("I10", "e11.9", "I10"), List.of("Z99")),
                List.of(List.of("I10", "E11.9", "N18.3"), List.of("J18.9")));
        assertEquals(2, s.truePositives());
        assertEquals(3, s.predicted());
        assertEquals(4, s.assigned());
        assertEquals(2.0 / 3, s.precision(), 1e-12);
        assertEquals(0.5, s.recall(), 1e-12);
        assertEquals(2 * (2.0 / 3) * 0.5 / (2.0 / 3 + 0.5), s.f1(), 1e-12);
    }

    @Test
    void nothingPredictedScoresZeroNotNaN() {
        CodeScores s = CodeScores.of(List.of(List.of()), List.of(List.of("I10")));
        assertEquals(0, s.precision());
        assertEquals(0, s.recall());
        assertEquals(0, s.f1());
    }

    @Test
    void completionsSplitOnCommasAndDropEmptyPieces() {
        assertEquals(List.of("I10", "E11.9", "0DTJ4ZZ"), CodeScores.parseCodes(" I10, E11.9,, 0DTJ4ZZ ,"));
        assertEquals(List.of(), CodeScores.parseCodes(""));
    }

    @Test
    void predictionsAndNotesMustPair() {
        assertThrows(IllegalArgumentException.class, () -> CodeScores.of(List.of(), List.of(List.of("I10"))));
    }
}
