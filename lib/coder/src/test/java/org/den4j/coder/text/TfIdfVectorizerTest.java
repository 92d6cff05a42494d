package org.den4j.coder.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.den4j.coder.CoderInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TfIdfVectorizerTest {
    @TempDir
    Path dir;

    private static final List<String> DOCS = List.of("The cat sat", "the dog sat", "a cat");

    @Test
    void idfAndSublinearTfFollowScikitLearnsSmoothedFormulas() {
        TfIdfVectorizer v = TfIdfVectorizer.fit(DOCS, new TfIdfVectorizer.Settings(1, 1, 1.0, 0, true));
        // One-character tokens ("a") are not tokens; terms are sorted.
        assertEquals(List.of("cat", "dog", "sat", "the"), List.of(v.term(0), v.term(1), v.term(2), v.term(3)));
        assertEquals(Math.log(4.0 / 3) + 1, v.idf(0), 1e-6);
        assertEquals(Math.log(4.0 / 2) + 1, v.idf(1), 1e-6);
        SparseVector x = v.transform("Cat cat DOG unknown");
        assertArrayEquals(new int[] {0, 1}, x.indices());
        // Hand-computed: (1 + ln 2) * idf(cat) and 1 * idf(dog), scaled to unit length.
        assertEquals(0.7898069, x.values()[0], 1e-6);
        assertEquals(0.6133555, x.values()[1], 1e-6);
    }

    @Test
    void pairsOfWordsAndMinDfMakeTheVocabulary() {
        TfIdfVectorizer v = TfIdfVectorizer.fit(DOCS, TfIdfVectorizer.Settings.DEFAULTS);
        // In at least two documents: cat, sat and the; no pair of words occurs in two.
        assertEquals(3, v.size());
        TfIdfVectorizer pairs = TfIdfVectorizer.fit(List.of("heart failure today", "acute heart failure", "x"),
                new TfIdfVectorizer.Settings(2, 2, 1.0, 0, true));
        assertEquals(List.of("failure", "heart", "heart failure"), List.of(pairs.term(0), pairs.term(1),
                pairs.term(2)));
        assertEquals(3, pairs.transform("Heart, failure!").size(), "pairs span punctuation, as scikit-learn's");
    }

    @Test
    void spansGiveCharacterOffsetsOfTermsInTheOriginalText() {
        TfIdfVectorizer v = TfIdfVectorizer.fit(List.of("heart failure today", "acute heart failure"),
                new TfIdfVectorizer.Settings(2, 2, 1.0, 0, true));
        String text = "Pt with HEART  failure.";
        List<TermSpan> spans = v.spans(text);
        assertEquals(3, spans.size());
        for (TermSpan s : spans) {
            String covered = text.substring(s.start(), s.end()).toLowerCase(java.util.Locale.ROOT);
            assertEquals(s.term(), covered.replaceAll("\\s+", " "));
        }
    }

    @Test
    void aSavedVectorizerTransformsAlike() {
        TfIdfVectorizer v = TfIdfVectorizer.fit(DOCS, new TfIdfVectorizer.Settings(2, 1, 1.0, 0, true));
        v.save(dir);
        TfIdfVectorizer back = TfIdfVectorizer.load(dir);
        SparseVector a = v.transform("the cat sat on the dog");
        SparseVector b = back.transform("the cat sat on the dog");
        assertArrayEquals(a.indices(), b.indices());
        assertArrayEquals(a.values(), b.values(), 1e-6f);
        CoderInputException e = assertThrows(CoderInputException.class, () -> TfIdfVectorizer.load(dir.resolve("x")));
        assertTrue(e.getMessage().contains("tfidf.json"), e.getMessage());
    }

    @Test
    void noKeptTermIsAnInputError() {
        CoderInputException e = assertThrows(CoderInputException.class,
                () -> TfIdfVectorizer.fit(List.of("a b", "c"), TfIdfVectorizer.Settings.DEFAULTS));
        assertEquals("No term is in at least 2 of the 2 training texts; give more texts or a lower min df",
                e.getMessage());
    }
}
