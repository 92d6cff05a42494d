package org.den4j.coder.remote;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.den4j.coder.Code;
import org.den4j.coder.CodeDictionary;
import org.den4j.coder.IcdVersion;

/**
 * The codes of a generated answer ("I50.23, E11.9, N18.3"), checked against a dictionary: the ones it has, in the
 * answer's order without repeats, and the ones it does not (invented, malformed, or of the other ICD version).
 *
 * @param codes codes of the dictionary, in the order the answer gave them
 * @param dropped what the answer named that is not a code of the dictionary's {@code version}, as written
 */
public record AnswerCodes(List<Code> codes, List<String> dropped) {
    private static final Pattern SEPARATORS = Pattern.compile("[,;\\s]+");
    private static final Pattern THINK = Pattern.compile("(?s)<think>.*?(</think>|$)");
    private static final String TRIM = "\"'`[](){}*.:- \t";

    public AnswerCodes {
        codes = List.copyOf(codes);
        dropped = List.copyOf(dropped);
    }

    /**
     * Parses a comma-separated answer. A reasoning block ({@code <think>...</think>}, as DeepSeek-R1 distills
     * write) is skipped; codes match the dictionary as written ({@code I50.23}) or without the dot
     * ({@code I5023}, MIMIC's raw form), case-insensitively.
     */
    public static AnswerCodes parse(String answer, CodeDictionary dictionary, IcdVersion version) {
        Map<String, Code> exact = new HashMap<>();
        Map<String, Code> undotted = new HashMap<>();
        for (Code c : dictionary.codes(version)) {
            exact.putIfAbsent(c.code().toUpperCase(Locale.ROOT), c);
            undotted.putIfAbsent(c.code().replace(".", "").toUpperCase(Locale.ROOT), c);
        }
        Set<Code> codes = new LinkedHashSet<>();
        Set<String> dropped = new LinkedHashSet<>();
        String text = THINK.matcher(answer == null ? "" : answer).replaceAll(" ");
        for (String token : SEPARATORS.split(text)) {
            String t = trim(token);
            if (t.isEmpty()) {
                continue;
            }
            String key = t.toUpperCase(Locale.ROOT);
            Code c = exact.get(key);
            if (c == null) {
                c = undotted.get(key.replace(".", ""));
            }
            if (c != null) {
                codes.add(c);
            } else {
                dropped.add(t);
            }
        }
        return new AnswerCodes(new ArrayList<>(codes), new ArrayList<>(dropped));
    }

    private static String trim(String token) {
        int start = 0;
        int end = token.length();
        while (start < end && TRIM.indexOf(token.charAt(start)) >= 0) {
            start++;
        }
        while (end > start && TRIM.indexOf(token.charAt(end - 1)) >= 0) {
            end--;
        }
        return token.substring(start, end);
    }
}
