package org.den4j.lm.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.den4j.den.ProgressListener;
import org.den4j.lm.LmException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BpeTokenizerTest {
    static final List<String> SAMPLES = List.of(
            "Patient admitted with chest pain.",
            "  leading spaces, trailing spaces   ",
            "BP 142/91, HR 110, temp 38.5C; Na 138 K 4.1 -- Cr 1.9 (baseline 1.2)",
            "Line one\nLine two\r\n\n\tTabbed\tcolumns   and    runs of spaces\n",
            "Café naïve résumé Ærø Œuvre — “quotes” and ‘apostrophes’ … ½ °C µg",
            "日本語のテキストと中文文本 한국어 텍스트",
            "Emoji: 😀🩺💊 and flags 🇩🇪 and ZWJ 👩‍⚕️",
            "Greek αβγ Δ, Cyrillic пациент, Arabic مريض, Hebrew חולה",
            "don't won't it's we're they've I'm you'll he'd DON'T IT'S",
            "x=1;y=2;print(x+y) # code?! {}[]<>|\\ ~`@$%^&*",
            "12345678901234567890 3.14159 1e-9 0x1F",
            "<|im_start|>user\nHello<|im_end|>\n<|im_start|>assistant\n",
            "text<|endoftext|>more text",
            "\u00a0non-breaking\u2003em space\u3000ideographic",
            "");

    static BpeTokenizer tokenizer;

    @TempDir
    static Path dir;

    @BeforeAll
    static void train() {
        BpeTrainer trainer = new BpeTrainer(500, 2);
        TestCorpus.notes(300).forEach(trainer::add);
        tokenizer = trainer.train(ProgressListener.NONE);
        tokenizer.save(dir, 512);
    }

    @Test
    void trainedTokenizerHasBytesMergesAndSpecialTokensAtTheEnd() {
        assertEquals(500, tokenizer.vocabSize());
        assertEquals(500 - 256 - 3, tokenizer.merges().size());
        assertEquals(List.of("<|endoftext|>", "<|im_start|>", "<|im_end|>"),
                tokenizer.tokens().subList(497, 500));
        assertEquals("!", tokenizer.tokens().get(0));
        assertTrue(tokenizer.tokens().contains("Ġpatient"), "a frequent word becomes one token");
    }

    @Test
    void trainingIsDeterministic(@TempDir Path other) throws Exception {
        BpeTrainer trainer = new BpeTrainer(500, 2);
        TestCorpus.notes(300).forEach(trainer::add);
        trainer.train(ProgressListener.NONE).save(other, 512);
        assertArrayEquals(Files.readAllBytes(dir.resolve("tokenizer.json")),
                Files.readAllBytes(other.resolve("tokenizer.json")));
    }

    @Test
    void djlTokenizersLoadTheFileAndRoundTripUnicode() throws Exception {
        try (HuggingFaceTokenizer hf = HuggingFaceTokenizer.newInstance(dir.resolve("tokenizer.json"))) {
            for (String text : SAMPLES) {
                long[] ids = hf.encode(text).getIds();
                assertEquals(text, hf.decode(ids, false), "DJL round trip of " + text);
            }
        }
    }

    @Test
    void ownEncoderGivesTheSameIdsAsDjlTokenizers() throws Exception {
        try (HuggingFaceTokenizer hf = HuggingFaceTokenizer.newInstance(dir.resolve("tokenizer.json"))) {
            for (String text : SAMPLES) {
                long[] expected = hf.encode(text).getIds();
                int[] actual = tokenizer.encode(text);
                assertArrayEquals(expected, Arrays.stream(actual).asLongStream().toArray(), "ids of " + text);
                assertEquals(text, tokenizer.decode(actual), "own round trip of " + text);
            }
            for (String note : TestCorpus.notes(20)) {
                assertArrayEquals(hf.encode(note).getIds(),
                        Arrays.stream(tokenizer.encode(note)).asLongStream().toArray());
            }
        }
    }

    @Test
    void decomposedTextIsNormalisedToNfcAsHuggingFaceDoes() throws Exception {
        String decomposed = "Cafe\u0301 nai\u0308ve";
        try (HuggingFaceTokenizer hf = HuggingFaceTokenizer.newInstance(dir.resolve("tokenizer.json"))) {
            assertArrayEquals(hf.encode(decomposed).getIds(),
                    Arrays.stream(tokenizer.encode(decomposed)).asLongStream().toArray());
            assertEquals("Café naïve", tokenizer.decode(tokenizer.encode(decomposed)));
        }
    }

    @Test
    void specialTokensInTextBecomeSingleIds() {
        int[] ids = tokenizer.encode("<|im_start|>user\nhi<|im_end|>");
        assertEquals(tokenizer.idOf("<|im_start|>"), ids[0]);
        assertEquals(tokenizer.idOf("<|im_end|>"), ids[ids.length - 1]);
        assertEquals("user\nhi", tokenizer.decode(ids, true));
    }

    @Test
    void loadReadsBackTheSavedTokenizer() {
        BpeTokenizer loaded = BpeTokenizer.load(dir.resolve("tokenizer.json"));
        assertEquals(tokenizer.tokens(), loaded.tokens());
        assertEquals(tokenizer.merges(), loaded.merges());
        assertEquals(tokenizer.specialTokens(), loaded.specialTokens());
    }

    @Test
    void tokenizerConfigCarriesTheChatTemplateAndSpecialTokens() throws Exception {
        String config = Files.readString(dir.resolve("tokenizer_config.json"));
        assertTrue(config.contains("\"chat_template\""));
        assertTrue(config.contains("\"eos_token\" : \"<|endoftext|>\""));
        assertTrue(config.contains("\"pad_token\" : \"<|endoftext|>\""));
    }

    @Test
    void tooSmallVocabularyIsRejectedWithTheMinimum() {
        LmException e = assertThrows(LmException.class, () -> new BpeTrainer(100, 2));
        assertEquals("vocabulary size 100 is too small: a byte-level tokenizer needs 256 byte tokens plus 3 "
                + "special tokens; use at least 259", e.getMessage());
    }

    @Test
    void emptyCorpusIsRejected() {
        LmException e = assertThrows(LmException.class, () -> new BpeTrainer(400, 2).train(ProgressListener.NONE));
        assertTrue(e.getMessage().startsWith("the tokenizer corpus has no text"), e.getMessage());
    }

    @Test
    void missingOrForeignTokenizerFilesAreNamed(@TempDir Path tmp) throws Exception {
        Path missing = tmp.resolve("nope/tokenizer.json");
        LmException e = assertThrows(LmException.class, () -> BpeTokenizer.load(missing));
        assertTrue(e.getMessage().contains(missing.toString()) && e.getMessage().contains("does not exist"));
        Path wordLevel = tmp.resolve("tokenizer.json");
        Files.writeString(wordLevel, "{\"model\":{\"type\":\"WordLevel\",\"vocab\":{}}}", StandardCharsets.UTF_8);
        e = assertThrows(LmException.class, () -> BpeTokenizer.load(wordLevel));
        assertTrue(e.getMessage().contains("is not a BPE tokenizer (model.type is 'WordLevel')"), e.getMessage());
        Files.writeString(wordLevel, "{not json", StandardCharsets.UTF_8);
        e = assertThrows(LmException.class, () -> BpeTokenizer.load(wordLevel));
        assertTrue(e.getMessage().contains("is not valid JSON"), e.getMessage());
    }

    @Test
    void decodingAnIdOutsideTheVocabularyNamesTheRange() {
        LmException e = assertThrows(LmException.class, () -> tokenizer.decode(new int[] {5, 500}));
        assertEquals("token id 500 is outside this tokenizer's vocabulary (0..499); the ids come from another "
                + "model or tokenizer", e.getMessage());
    }
}
