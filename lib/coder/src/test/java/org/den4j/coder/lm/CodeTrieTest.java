package org.den4j.coder.lm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.den4j.coder.Code;
import org.den4j.coder.CodeSystem;
import org.junit.jupiter.api.Test;

class CodeTrieTest {
    /** A character-level tokenizer: one token per character, ids from a table, as a byte-level BPE without merges. */
    private static final Map<Character, Integer> IDS = new HashMap<>();
    private static final int END = 0;
    private static final int VOCAB = 64;

    private static int[] tokenize(String s) {
        int[] out = new int[s.length()];
        for (int i = 0; i < s.length(); i++) {
            out[i] = IDS.computeIfAbsent(s.charAt(i), c -> IDS.size() + 1);
        }
        return out;
    }

    private static final List<Code> CODES = List.of(new Code("250.0", CodeSystem.ICD9_CM),
            new Code("250.00", CodeSystem.ICD9_CM), new Code("401.9", CodeSystem.ICD9_CM),
            new Code("428.0", CodeSystem.ICD9_CM), new Code("38.93", CodeSystem.ICD9_PROC),
            new Code("V45.81", CodeSystem.ICD9_CM), new Code("E11.9", CodeSystem.ICD10_CM),
            new Code("0DTJ4ZZ", CodeSystem.ICD10_PCS));

    @Test
    void randomLogitsNeverProduceACodeOutsideTheDictionary() {
        CodeTrie trie = CodeTrie.build(CODES, CodeTrieTest::tokenize, END);
        Set<Code> dictionary = Set.copyOf(CODES);
        Random random = new Random(11);
        int produced = 0;
        for (int run = 0; run < 2000; run++) {
            CodeTrie.Cursor cursor = trie.start();
            StringBuilder text = new StringBuilder();
            for (int step = 0; step < 200 && !cursor.finished(); step++) {
                float[] logits = new float[VOCAB];
                for (int i = 0; i < VOCAB; i++) {
                    logits[i] = (float) (random.nextGaussian() * 5);
                }
                int best = -1;
                for (int t : cursor.allowed()) {
                    if (best < 0 || logits[t] > logits[best]) {
                        best = t;
                    }
                }
                assertTrue(best >= 0, "a cursor that is not finished always allows a token");
                cursor = cursor.advance(best);
                text.append(best == END ? "" : charOf(best));
            }
            for (Code c : cursor.codes()) {
                assertTrue(dictionary.contains(c), "invented " + c);
            }
            // the text parses back into the same codes: nothing malformed in between
            if (cursor.finished()) {
                List<String> parsed = List.of(text.toString().split(CodeTrie.SEPARATOR, -1));
                assertEquals(cursor.codes().stream().map(Code::code).toList(), parsed);
                produced += cursor.codes().size();
            }
        }
        assertTrue(produced > 1000, "only " + produced + " codes produced");
    }

    private static char charOf(int id) {
        for (Map.Entry<Character, Integer> e : IDS.entrySet()) {
            if (e.getValue() == id) {
                return e.getKey();
            }
        }
        throw new AssertionError("no character for " + id);
    }

    @Test
    void aCodeThatPrefixesAnotherCanEndOrGoOn() {
        CodeTrie trie = CodeTrie.build(CODES, CodeTrieTest::tokenize, END);
        CodeTrie.Cursor c = trie.start();
        for (int t : tokenize("250.0")) {
            c = c.advance(t);
        }
        assertEquals("250.0", c.codeHere().code());
        assertTrue(c.allows(tokenize("0")[0]) && c.allows(END) && c.allows(tokenize(",")[0]));
        CodeTrie.Cursor ended = c.advance(END);
        assertTrue(ended.finished());
        assertEquals(0, ended.allowed().length);
        assertEquals(List.of("250.0"), ended.codes().stream().map(Code::code).toList());
    }

    @Test
    void theEndAndTheSeparatorAreRefusedInsideACode() {
        CodeTrie trie = CodeTrie.build(CODES, CodeTrieTest::tokenize, END);
        CodeTrie.Cursor c = trie.start().advance(tokenize("4")[0]);
        assertFalse(c.allows(END));
        assertFalse(c.allows(tokenize(",")[0]));
        CodeTrie.Cursor inside = c;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> inside.advance(END));
        assertTrue(e.getMessage().contains("cannot come next"), e.getMessage());
        assertFalse(trie.start().allows(END), "an empty answer is not a completion");
    }

    @Test
    void repeatedCodesAreDroppedByDistinctCodes() {
        CodeTrie trie = CodeTrie.build(CODES, CodeTrieTest::tokenize, END);
        CodeTrie.Cursor c = trie.start();
        List<Integer> path = new ArrayList<>();
        for (String piece : List.of("401.9", ",", " 401.9", ",", " E11.9")) {
            for (int t : tokenize(piece)) {
                path.add(t);
            }
        }
        for (int t : path) {
            c = c.advance(t);
        }
        c = c.advance(END);
        assertEquals(3, c.codes().size());
        assertEquals(List.of("401.9", "E11.9"), c.distinctCodes().stream().map(Code::code).toList());
    }
}
