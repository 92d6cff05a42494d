package org.den4j.lm.tokenizer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import org.den4j.den.ProgressListener;
import org.den4j.lm.LmException;
import org.den4j.lm.LmInputException;

/**
 * Trains a byte-level BPE tokenizer with Qwen2's pre-tokenizer on a text corpus.
 *
 * <p>Texts are normalised (NFC) and split into words as {@link Qwen2PreTokenizer} does; the
 * words are counted; then, starting from the 256 byte tokens, the most frequent adjacent pair is
 * merged until the vocabulary reaches its size or no pair occurs {@code minFrequency} times. Ties
 * go to the pair of older tokens, so the same corpus always gives the same tokenizer. The special
 * tokens come last.
 *
 * <pre>
 * BpeTrainer trainer = new BpeTrainer(4096, 2);
 * notes.forEach(trainer::add);
 * BpeTokenizer tokenizer = trainer.train(ProgressListener.NONE);
 * tokenizer.save(dir, 2048);
 * </pre>
 *
 * <p>Not thread-safe; memory grows with the number of distinct words in the corpus.
 */
public final class BpeTrainer {
    private final int vocabSize;
    private final int minFrequency;
    private final List<String> specialTokens;
    private final Map<String, long[]> wordCounts = new HashMap<>();
    private long characters;

    /**
     * A trainer for a vocabulary of {@code vocabSize} tokens (special tokens included) with the
     * kit's special tokens {@link BpeTokenizer#SPECIAL_TOKENS}.
     *
     * @throws LmException if {@code vocabSize} cannot hold the 256 byte tokens and the special tokens
     */
    public BpeTrainer(int vocabSize, int minFrequency) {
        this(vocabSize, minFrequency, BpeTokenizer.SPECIAL_TOKENS);
    }

    /** A trainer with its own special tokens (appended after the merged tokens, in this order). */
    public BpeTrainer(int vocabSize, int minFrequency, List<String> specialTokens) {
        if (vocabSize < 256 + specialTokens.size()) {
            throw new LmInputException("vocabulary size " + vocabSize + " is too small: a byte-level tokenizer needs 256 "
                    + "byte tokens plus " + specialTokens.size() + " special tokens; use at least "
                    + (256 + specialTokens.size()));
        }
        if (minFrequency < 1) {
            throw new LmInputException("minimum pair frequency must be at least 1, got " + minFrequency);
        }
        this.vocabSize = vocabSize;
        this.minFrequency = minFrequency;
        this.specialTokens = List.copyOf(specialTokens);
    }

    /** Adds one text (a document) to the corpus; special-token literals in it are left out. */
    public void add(String text) {
        if (text == null || text.isEmpty()) {
            return;
        }
        characters += text.length();
        int start = 0;
        while (start < text.length()) {
            int at = -1;
            String found = null;
            for (String s : specialTokens) {
                int i = text.indexOf(s, start);
                if (i >= 0 && (at < 0 || i < at)) {
                    at = i;
                    found = s;
                }
            }
            int end = at < 0 ? text.length() : at;
            if (end > start) {
                for (String word : Qwen2PreTokenizer.split(Qwen2PreTokenizer.normalize(text.substring(start, end)))) {
                    wordCounts.computeIfAbsent(ByteLevel.encode(word), w -> new long[1])[0]++;
                }
            }
            if (found == null) {
                break;
            }
            start = at + found.length();
        }
    }

    /** The number of characters added so far. */
    public long characters() {
        return characters;
    }

    /**
     * Learns the merges and returns the tokenizer.
     *
     * @param progress told of each merge learned
     * @throws LmException if no text was added
     */
    public BpeTokenizer train(ProgressListener progress) {
        if (wordCounts.isEmpty()) {
            throw new LmInputException("the tokenizer corpus has no text; pass a non-empty corpus file or database");
        }
        int[] alphabet = ByteLevel.alphabet();
        int[] charToId = new int[512];
        List<String> tokens = new ArrayList<>(vocabSize);
        Map<String, Integer> tokenIds = new HashMap<>();
        for (int i = 0; i < 256; i++) {
            String t = String.valueOf(ByteLevel.charOf(alphabet[i]));
            charToId[ByteLevel.charOf(alphabet[i])] = i;
            tokens.add(t);
            tokenIds.put(t, i);
        }
        // Words sorted so that ids (and so the tie-breaks) do not depend on hash order.
        List<String> distinct = new ArrayList<>(wordCounts.keySet());
        distinct.sort(null);
        int n = distinct.size();
        int[][] words = new int[n][];
        long[] counts = new long[n];
        Map<Long, long[]> pairCounts = new HashMap<>();
        Map<Long, Set<Integer>> where = new HashMap<>();
        for (int w = 0; w < n; w++) {
            String s = distinct.get(w);
            int[] syms = new int[s.length()];
            for (int i = 0; i < syms.length; i++) {
                syms[i] = charToId[s.charAt(i)];
            }
            words[w] = syms;
            counts[w] = wordCounts.get(s)[0];
            addPairs(w, syms, counts[w], pairCounts, where, null);
        }
        PriorityQueue<long[]> queue = new PriorityQueue<>((x, y) -> x[0] != y[0]
                ? Long.compare(y[0], x[0]) : Long.compare(x[1], y[1]));
        for (Map.Entry<Long, long[]> e : pairCounts.entrySet()) {
            queue.add(new long[] {e.getValue()[0], e.getKey()});
        }
        List<Merge> merges = new ArrayList<>();
        int target = vocabSize - specialTokens.size();
        progress.start("train tokenizer", Math.max(0, target - 256));
        try {
            while (tokens.size() < target && !queue.isEmpty()) {
                long[] top = queue.poll();
                long key = top[1];
                long[] current = pairCounts.get(key);
                if (current == null || current[0] != top[0]) {
                    continue;
                }
                if (top[0] < minFrequency) {
                    break;
                }
                int a = (int) (key >>> 32);
                int b = (int) key;
                String merged = tokens.get(a) + tokens.get(b);
                merges.add(new Merge(tokens.get(a), tokens.get(b)));
                Integer existing = tokenIds.get(merged);
                int id;
                if (existing != null) {
                    id = existing;
                } else {
                    id = tokens.size();
                    tokens.add(merged);
                    tokenIds.put(merged, id);
                    progress.advance(1);
                }
                Set<Long> changed = new LinkedHashSet<>();
                Set<Integer> affected = where.remove(key);
                pairCounts.remove(key);
                if (affected == null) {
                    continue;
                }
                List<Integer> ordered = new ArrayList<>(affected);
                ordered.sort(null);
                for (int w : ordered) {
                    int[] old = words[w];
                    int[] fresh = mergeIn(old, a, b, id);
                    if (fresh == old) {
                        continue;
                    }
                    removePairs(old, counts[w], pairCounts, changed, key);
                    words[w] = fresh;
                    addPairs(w, fresh, counts[w], pairCounts, where, changed);
                }
                for (long p : changed) {
                    long[] c = pairCounts.get(p);
                    if (c != null && c[0] > 0) {
                        queue.add(new long[] {c[0], p});
                    }
                }
            }
        } finally {
            progress.finish();
        }
        for (String s : specialTokens) {
            if (tokenIds.containsKey(s)) {
                throw new LmException("special token " + s + " was also learned as an ordinary token");
            }
            tokens.add(s);
        }
        return new BpeTokenizer(tokens, merges, specialTokens);
    }

    private static long pair(int a, int b) {
        return ((long) a << 32) | (b & 0xFFFFFFFFL);
    }

    private static int[] mergeIn(int[] syms, int a, int b, int id) {
        int found = 0;
        for (int i = 0; i + 1 < syms.length; i++) {
            if (syms[i] == a && syms[i + 1] == b) {
                found++;
                i++;
            }
        }
        if (found == 0) {
            return syms;
        }
        int[] out = new int[syms.length - found];
        int j = 0;
        for (int i = 0; i < syms.length; i++) {
            if (i + 1 < syms.length && syms[i] == a && syms[i + 1] == b) {
                out[j++] = id;
                i++;
            } else {
                out[j++] = syms[i];
            }
        }
        return out;
    }

    private static void addPairs(int w, int[] syms, long count, Map<Long, long[]> pairCounts,
            Map<Long, Set<Integer>> where, Set<Long> changed) {
        for (int i = 0; i + 1 < syms.length; i++) {
            long p = pair(syms[i], syms[i + 1]);
            pairCounts.computeIfAbsent(p, k -> new long[1])[0] += count;
            where.computeIfAbsent(p, k -> new HashSet<>()).add(w);
            if (changed != null) {
                changed.add(p);
            }
        }
    }

    private static void removePairs(int[] syms, long count, Map<Long, long[]> pairCounts, Set<Long> changed,
            long merging) {
        for (int i = 0; i + 1 < syms.length; i++) {
            long p = pair(syms[i], syms[i + 1]);
            if (p == merging) {
                continue;
            }
            long[] c = pairCounts.get(p);
            if (c != null) {
                c[0] -= count;
                if (c[0] <= 0) {
                    pairCounts.remove(p);
                }
                changed.add(p);
            }
        }
    }
}
