package org.den4j.hub.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Allow and ignore patterns as Python's {@code huggingface_hub.utils.filter_repo_objects} applies them.
 *
 * <p>Patterns are {@code fnmatch.fnmatchcase} wildcards: {@code *} matches any run of characters
 * <em>including</em> {@code /} (so {@code data/*.json} also matches {@code data/sub/x.json}), {@code ?} one
 * character, {@code [seq]} and {@code [!seq]} a character in or not in the set; matching is case-sensitive
 * and covers the whole path. A pattern ending with {@code /} means everything in that folder (a {@code *} is
 * appended), and backslashes count as {@code /} in patterns and paths.
 */
public final class PathPatterns {
    private PathPatterns() {
    }

    /**
     * A test that keeps a path when it matches one of {@code allow} (or {@code allow} is null) and none of
     * {@code ignore} (or {@code ignore} is null).
     */
    public static Predicate<String> filter(List<String> allow, List<String> ignore) {
        List<Pattern> allowed = allow == null ? null : compileAll(allow);
        List<Pattern> ignored = ignore == null ? null : compileAll(ignore);
        return path -> {
            String p = path.replace('\\', '/');
            if (allowed != null && allowed.stream().noneMatch(r -> r.matcher(p).matches())) {
                return false;
            }
            return ignored == null || ignored.stream().noneMatch(r -> r.matcher(p).matches());
        };
    }

    /** Python's {@code fnmatch.fnmatchcase(name, pattern)}. */
    public static boolean fnmatch(String name, String pattern) {
        return translate(pattern).matcher(name).matches();
    }

    private static List<Pattern> compileAll(List<String> patterns) {
        List<Pattern> out = new ArrayList<>(patterns.size());
        for (String raw : patterns) {
            String p = raw.replace('\\', '/');
            out.add(translate(p.endsWith("/") ? p + "*" : p));
        }
        return out;
    }

    /** Python's {@code fnmatch.translate}, written out for {@link Pattern}. */
    static Pattern translate(String pat) {
        StringBuilder re = new StringBuilder();
        int n = pat.length();
        int i = 0;
        boolean lastStar = false;
        while (i < n) {
            char c = pat.charAt(i++);
            if (c == '*') {
                if (!lastStar) {
                    re.append(".*");
                }
                lastStar = true;
                continue;
            }
            lastStar = false;
            if (c == '?') {
                re.append('.');
            } else if (c == '[') {
                int j = i;
                if (j < n && pat.charAt(j) == '!') {
                    j++;
                }
                if (j < n && pat.charAt(j) == ']') {
                    j++;
                }
                while (j < n && pat.charAt(j) != ']') {
                    j++;
                }
                if (j >= n) {
                    re.append("\\[");
                } else {
                    re.append(charClass(pat, i, j));
                    i = j + 1;
                }
            } else {
                literal(re, c);
            }
        }
        return Pattern.compile(re.toString(), Pattern.DOTALL);
    }

    /**
     * The set {@code pat[start, end)} (between the brackets) as Python reads it: hyphens split the text into
     * chunks, each hyphen between two chunks is a range from the last character of one to the first of the
     * next, the other characters are themselves, and an empty range (start after end) drops both ends.
     */
    private static String charClass(String pat, int start, int end) {
        List<String> chunks = new ArrayList<>();
        int i = start;
        int k = pat.charAt(start) == '!' ? start + 2 : start + 1;
        while (true) {
            k = k < end ? pat.indexOf('-', k) : -1;
            if (k < 0 || k >= end) {
                break;
            }
            chunks.add(pat.substring(i, k));
            i = k + 1;
            k = k + 3;
        }
        String last = pat.substring(i, end);
        if (!last.isEmpty() || chunks.isEmpty()) {
            chunks.add(last);
        } else {
            chunks.set(chunks.size() - 1, chunks.get(chunks.size() - 1) + "-");
        }
        for (int c = chunks.size() - 1; c > 0; c--) {
            String prev = chunks.get(c - 1);
            String next = chunks.get(c);
            if (!prev.isEmpty() && !next.isEmpty() && prev.charAt(prev.length() - 1) > next.charAt(0)) {
                chunks.set(c - 1, prev.substring(0, prev.length() - 1) + next.substring(1));
                chunks.remove(c);
            }
        }
        String joined = String.join("", chunks);
        if (joined.isEmpty()) {
            return "(?!)";
        }
        if (joined.equals("!")) {
            return ".";
        }
        boolean negate = joined.charAt(0) == '!';
        StringBuilder set = new StringBuilder(negate ? "[^" : "[");
        for (int c = 0; c < chunks.size(); c++) {
            String chunk = chunks.get(c);
            int from = (c == 0 && negate) ? 1 : 0;
            // the last character of a chunk followed by another chunk starts a range; the first character
            // of a chunk after the first ends one
            int to = c < chunks.size() - 1 ? chunk.length() - 1 : chunk.length();
            int first = c > 0 ? 1 : from;
            for (int x = first; x < to; x++) {
                literal(set, chunk.charAt(x));
            }
            if (c < chunks.size() - 1) {
                literal(set, chunk.charAt(chunk.length() - 1));
                set.append('-');
                literal(set, chunks.get(c + 1).charAt(0));
            }
        }
        return set.append(']').toString();
    }

    private static void literal(StringBuilder re, char c) {
        re.append("\\x{").append(Integer.toHexString(c)).append('}');
    }
}
