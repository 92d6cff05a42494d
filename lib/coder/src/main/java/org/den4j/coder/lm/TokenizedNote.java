package org.den4j.coder.lm;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A note as tokens, each with the characters {@code [start, end)} of the note it came from, so that what a
 * model attends to can be shown as spans of the text.
 *
 * @param text the note
 * @param ids token ids, without special tokens
 * @param starts first character of each token
 * @param ends one past the last character of each token
 */
public record TokenizedNote(String text, int[] ids, int[] starts, int[] ends) {
    public TokenizedNote {
        if (starts.length != ids.length || ends.length != ids.length) {
            throw new IllegalArgumentException("ids, starts and ends differ in length: " + ids.length + ", "
                    + starts.length + ", " + ends.length);
        }
        ids = ids.clone();
        starts = starts.clone();
        ends = ends.clone();
    }

    /**
     * Tokenizes the whole note (never truncated: long notes are chunked by {@link #chunks(int)}).
     */
    public static TokenizedNote of(HuggingFaceTokenizer tokenizer, String text) {
        Encoding e = tokenizer.encode(text, false, false);
        long[] raw = e.getIds();
        CharSpan[] spans = e.getCharTokenSpans();
        int n = raw.length;
        int[] ids = new int[n];
        int[] starts = new int[n];
        int[] ends = new int[n];
        int last = 0;
        for (int i = 0; i < n; i++) {
            ids[i] = Math.toIntExact(raw[i]);
            // a byte-level token inside a multi-byte character may have no span of its own: keep the previous end
            CharSpan s = spans != null && i < spans.length ? spans[i] : null;
            starts[i] = s == null ? last : Math.max(0, Math.min(text.length(), s.getStart()));
            ends[i] = s == null ? last : Math.max(starts[i], Math.min(text.length(), s.getEnd()));
            last = ends[i];
        }
        return new TokenizedNote(text, ids, starts, ends);
    }

    /** Number of tokens. */
    public int length() {
        return ids.length;
    }

    /**
     * The token ranges {@code [from, to)} of consecutive chunks of at most {@code size} tokens covering every
     * token (PLM-ICD's segments); an empty note gives no chunk.
     */
    public List<int[]> chunks(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("chunk size must be positive, was " + size);
        }
        List<int[]> out = new ArrayList<>();
        for (int from = 0; from < ids.length; from += size) {
            out.add(new int[] {from, Math.min(ids.length, from + size)});
        }
        return out;
    }

    /** The ids of tokens {@code [from, to)}. */
    public int[] ids(int from, int to) {
        return Arrays.copyOfRange(ids, from, to);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TokenizedNote t && t.text.equals(text) && Arrays.equals(t.ids, ids)
                && Arrays.equals(t.starts, starts) && Arrays.equals(t.ends, ends);
    }

    @Override
    public int hashCode() {
        return text.hashCode() * 31 + Arrays.hashCode(ids);
    }

    @Override
    public String toString() {
        return "TokenizedNote[" + ids.length + " tokens, " + text.length() + " characters]";
    }
}
