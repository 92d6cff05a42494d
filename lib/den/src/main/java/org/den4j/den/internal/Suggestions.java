package org.den4j.den.internal;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** Finds the known names closest to a mistyped one. */
public final class Suggestions {
    private Suggestions() {
    }

    /** Up to {@code limit} names close to {@code wanted}, closest first. */
    public static List<String> closest(String wanted, Collection<String> known, int limit) {
        String w = wanted.toLowerCase(Locale.ROOT);
        int threshold = Math.max(2, w.length() / 5);
        return known.stream()
                .map(k -> new Scored(k, score(w, k.toLowerCase(Locale.ROOT))))
                .filter(s -> s.score <= threshold)
                .sorted(Comparator.comparingInt((Scored s) -> s.score).thenComparing(s -> s.name))
                .limit(limit)
                .map(s -> s.name)
                .toList();
    }

    private static int score(String wanted, String known) {
        if (known.contains(wanted) || wanted.contains(known)) {
            return 1;
        }
        int slash = known.lastIndexOf('/');
        int full = distance(wanted, known);
        return slash < 0 ? full : Math.min(full, distance(wanted, known.substring(slash + 1)) + 1);
    }

    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    private record Scored(String name, int score) {
    }
}
