package org.den4j.coder.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MultiLabelMetricsTest {
    @Test
    void microPoolsDecisionsWhileMacroAveragesLabels() {
        // Note 1: gold {A, B}, predicted {A, C}. Note 2: gold {A}, predicted {A}.
        // A: tp 2. B: fn 1. C: fp 1. Micro: tp 2, fp 1, fn 1: P = R = F1 = 2/3.
        // Macro over A, B, C: P = (1 + 0 + 0) / 3, R = (1 + 0 + 0) / 3, F1 = (1 + 0 + 0) / 3.
        MultiLabelMetrics m = MultiLabelMetrics.of(List.of(Set.of("A", "B"), Set.of("A")),
                List.of(Set.of("A", "C"), Set.of("A")));
        assertEquals(2.0 / 3, m.microPrecision(), 1e-12);
        assertEquals(2.0 / 3, m.microRecall(), 1e-12);
        assertEquals(2.0 / 3, m.microF1(), 1e-12);
        assertEquals(1.0 / 3, m.macroPrecision(), 1e-12);
        assertEquals(1.0 / 3, m.macroF1(), 1e-12);
        assertEquals(0.5, m.exactMatch(), 1e-12);
        assertEquals(2, m.perLabel().get("A").frequency());
        assertEquals(1.0, m.perLabel().get("A").f1());
        assertEquals(0, m.perLabel().get("C").frequency());
        assertEquals(1, m.perLabel().get("C").falsePositives());
    }

    @Test
    void macroDiffersFromMicroWhenLabelsAreUnbalanced() {
        // Frequent label F right 9 times of 10; rare label R missed once. Micro F1 = 18/20 = 0.9 (tp 9, fn 2),
        // macro F1 = (F1(F) + F1(R)) / 2 = (18/19 + 0) / 2.
        List<Set<String>> gold = new java.util.ArrayList<>();
        List<Set<String>> predicted = new java.util.ArrayList<>();
        for (int i = 0; i < 10; i++) {
            gold.add(Set.of("F"));
            predicted.add(i == 0 ? Set.of() : Set.of("F"));
        }
        gold.add(Set.of("R"));
        predicted.add(Set.of());
        MultiLabelMetrics m = MultiLabelMetrics.of(gold, predicted);
        assertEquals(2.0 * 9 / (2 * 9 + 0 + 2), m.microF1(), 1e-12);
        assertEquals((18.0 / 19) / 2, m.macroF1(), 1e-12);
    }

    @Test
    void emptyPredictionsScoreZeroWithoutDividingByZero() {
        MultiLabelMetrics m = MultiLabelMetrics.of(List.of(Set.of("A"), Set.of()), List.of(Set.of(), Set.of()));
        assertEquals(0, m.microPrecision());
        assertEquals(0, m.microRecall());
        assertEquals(0, m.microF1());
        assertEquals(0, m.macroF1());
        assertEquals(0.5, m.exactMatch(), "the note with nothing gold and nothing predicted is exact");
        MultiLabelMetrics none = MultiLabelMetrics.of(List.of(), List.of());
        assertEquals(0, none.microF1());
        assertEquals(0, none.exactMatch());
    }

    @Test
    void precisionAtKDividesByKEvenWhenFewerAreRanked() {
        List<Set<String>> gold = List.of(Set.of("A", "B"), Set.of("C"));
        List<List<String>> ranked = List.of(List.of("A", "X", "B", "Y"), List.of("C"));
        // Note 1 at 2: 1 of 2; note 2 at 2: 1 of 2 (only one ranked). Mean 0.5.
        assertEquals(0.5, MultiLabelMetrics.precisionAt(2, gold, ranked), 1e-12);
        // At 1: 1 and 1.
        assertEquals(1.0, MultiLabelMetrics.precisionAt(1, gold, ranked), 1e-12);
        // At 5: 2/5 and 1/5.
        assertEquals((0.4 + 0.2) / 2, MultiLabelMetrics.precisionAt(5, gold, ranked), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> MultiLabelMetrics.precisionAt(0, gold, ranked));
    }

    @Test
    void mcNemarIsTheExactTwoSidedBinomialTest() {
        // b = 0, c = 6: 2 * (1/2)^6.
        assertEquals(2.0 / 64, PairedComparison.mcnemar(0, 6), 1e-12);
        // b = 2, c = 8: 2 * (C(10,0) + C(10,1) + C(10,2)) / 2^10 = 2 * 56 / 1024.
        assertEquals(112.0 / 1024, PairedComparison.mcnemar(2, 8), 1e-12);
        assertEquals(1.0, PairedComparison.mcnemar(5, 5));
        assertEquals(1.0, PairedComparison.mcnemar(0, 0));
        assertTrue(PairedComparison.mcnemar(4000, 5000) < 1e-20, "large samples do not overflow");
    }

    @Test
    void pairedComparisonOfACoderWithItselfIsNoDifference() {
        List<Set<String>> gold = List.of(Set.of("A"), Set.of("B"), Set.of("A", "B"));
        List<Set<String>> p = List.of(Set.of("A"), Set.of(), Set.of("A"));
        PairedComparison same = PairedComparison.of(gold, p, p, 200, 1);
        assertEquals(0, same.microF1Diff());
        assertEquals(0, same.ciLow());
        assertEquals(0, same.ciHigh());
        assertEquals(1.0, same.mcnemarP());
        PairedComparison better = PairedComparison.of(gold, p, gold, 200, 1);
        // A: tp 2, fn 2: F1 2/3; B is perfect.
        assertEquals(1.0 - 2.0 / 3, better.microF1Diff(), 1e-12);
        // B is never worse on any resample, so the interval cannot go below 0.
        assertTrue(better.ciLow() >= 0 && better.ciLow() <= better.microF1Diff()
                && better.ciHigh() >= better.microF1Diff(), better.toString());
        assertEquals(0, better.onlyA());
        assertEquals(2, better.onlyB());
    }
}
