package org.den4j.coder.lm;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.den4j.coder.Evidence;

/** Turns attention over tokens into evidence: the words around the most attended tokens, as spans of the note. */
final class EvidenceSpans {
    private EvidenceSpans() {
    }

    /**
     * The spans of the {@code max} most attended tokens, each widened to whole words and merged where they
     * touch, most attended first.
     *
     * @param weights attention weight per token of {@code note}
     */
    static List<Evidence> of(TokenizedNote note, float[] weights, int max) {
        Integer[] order = new Integer[Math.min(weights.length, note.length())];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -weights[i]));
        String text = note.text();
        List<int[]> spans = new ArrayList<>();
        for (int k = 0; k < order.length && spans.size() < max; k++) {
            int t = order[k];
            int start = note.starts()[t];
            int end = note.ends()[t];
            while (start > 0 && isWord(text.charAt(start - 1))) {
                start--;
            }
            while (start < end && Character.isWhitespace(text.charAt(start))) {
                start++;
            }
            while (end < text.length() && isWord(text.charAt(end))) {
                end++;
            }
            if (end <= start) {
                continue;
            }
            boolean merged = false;
            for (int[] s : spans) {
                if (start <= s[1] && end >= s[0]) {
                    s[0] = Math.min(s[0], start);
                    s[1] = Math.max(s[1], end);
                    merged = true;
                    break;
                }
            }
            if (!merged) {
                spans.add(new int[] {start, end});
            }
        }
        List<Evidence> out = new ArrayList<>();
        for (int[] s : spans) {
            out.add(new Evidence(s[0], s[1], text.substring(s[0], s[1])));
        }
        return out;
    }

    private static boolean isWord(char c) {
        return Character.isLetterOrDigit(c) || c == '-' || c == '\'';
    }
}
