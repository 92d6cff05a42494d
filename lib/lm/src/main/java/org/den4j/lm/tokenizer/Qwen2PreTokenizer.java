package org.den4j.lm.tokenizer;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Qwen2's pre-tokenization: NFC normalisation, then a split into words by Qwen2's regular
 * expression (contractions, letter runs with one leading non-letter, single digits, punctuation
 * runs, newlines, spaces), each word kept whole ("isolated"), no prefix space.
 */
public final class Qwen2PreTokenizer {
    /** Qwen2's split pattern, exactly as it appears in its tokenizer.json. */
    public static final String PATTERN =
            "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*"
                    + "|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    // Oniguruma (used by HF tokenizers) treats \s as Unicode white space; Java needs the flag.
    private static final Pattern REGEX = Pattern.compile(PATTERN, Pattern.UNICODE_CHARACTER_CLASS);

    private Qwen2PreTokenizer() {
    }

    /** The NFC form of {@code text}, as the tokenizer's normaliser produces it. */
    public static String normalize(String text) {
        return Normalizer.normalize(text, Normalizer.Form.NFC);
    }

    /** The words of already-normalised {@code text}, in order; their concatenation is the text. */
    public static List<String> split(String text) {
        List<String> words = new ArrayList<>();
        Matcher m = REGEX.matcher(text);
        int last = 0;
        while (m.find()) {
            if (m.start() > last) {
                words.add(text.substring(last, m.start()));
            }
            if (m.end() > m.start()) {
                words.add(m.group());
            }
            last = m.end();
        }
        if (last < text.length()) {
            words.add(text.substring(last));
        }
        return words;
    }
}
