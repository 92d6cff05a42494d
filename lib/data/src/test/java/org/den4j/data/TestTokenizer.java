package org.den4j.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes a small but valid Hugging Face {@code tokenizer.json} for tests: a lower-casing WordLevel model over a
 * fixed vocabulary (words, digits, punctuation), split on whitespace and punctuation, with {@code [UNK]} and
 * the special token {@code <|endoftext|>}.
 */
public final class TestTokenizer {
    static final int UNK = 0;
    static final int EOS = 1;

    private TestTokenizer() {
    }

    public static Path write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Map<String, Integer> vocab = new LinkedHashMap<>();
        vocab.put("[UNK]", UNK);
        vocab.put("<|endoftext|>", EOS);
        String words = "predict the medical codes for following text : , . - / # ( ) % with of and to in a on was "
                + "history no is at per as by from patient admission discharge date sex service allergies attending "
                + "chief complaint major surgical or invasive procedure none present illness past social family "
                + "physical exam pertinent results brief hospital course medications disposition diagnosis primary "
                + "secondary condition instructions followup hypertension htn heart failure chf atrial fibrillation "
                + "afib coronary artery disease cad acute kidney injury aki diabetes type 2 dm2 hyperlipidemia "
                + "pneumonia sepsis anemia copd mother father denies negative ruled out e . v";
        for (String w : words.split(" ")) {
            vocab.putIfAbsent(w, vocab.size());
        }
        for (int d = 0; d <= 9; d++) {
            vocab.putIfAbsent(Integer.toString(d), vocab.size());
        }
        StringBuilder v = new StringBuilder();
        for (Map.Entry<String, Integer> e : vocab.entrySet()) {
            v.append(v.length() == 0 ? "" : ", ").append('"').append(e.getKey().replace("\"", "\\\"")).append("\": ")
                    .append(e.getValue());
        }
        String json = "{\"version\": \"1.0\", \"truncation\": null, \"padding\": null, \"added_tokens\": ["
                + "{\"id\": 0, \"content\": \"[UNK]\", \"single_word\": false, \"lstrip\": false, \"rstrip\": false, "
                + "\"normalized\": false, \"special\": true}, "
                + "{\"id\": 1, \"content\": \"<|endoftext|>\", \"single_word\": false, \"lstrip\": false, "
                + "\"rstrip\": false, \"normalized\": false, \"special\": true}], "
                + "\"normalizer\": {\"type\": \"Lowercase\"}, "
                + "\"pre_tokenizer\": {\"type\": \"BertPreTokenizer\"}, \"post_processor\": null, \"decoder\": null, "
                + "\"model\": {\"type\": \"WordLevel\", \"vocab\": {" + v + "}, \"unk_token\": \"[UNK]\"}}";
        Path file = dir.resolve("tokenizer.json");
        Files.writeString(file, json);
        return file;
    }
}
