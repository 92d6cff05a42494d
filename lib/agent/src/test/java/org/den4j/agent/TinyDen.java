package org.den4j.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.den4j.den.Den;
import org.den4j.den.PushRequest;

/** Writes small real models into a temporary den. */
final class TinyDen {
    /** A WordLevel tokenizer that Hugging Face tokenizers loads: [UNK]=0, hello=1, den=2, world=3. */
    static final String TOKENIZER_JSON = """
            {"version":"1.0","truncation":null,"padding":null,"added_tokens":[],"normalizer":null,
             "pre_tokenizer":{"type":"Whitespace"},"post_processor":null,"decoder":null,
             "model":{"type":"WordLevel","vocab":{"[UNK]":0,"hello":1,"den":2,"world":3},"unk_token":"[UNK]"}}
            """;

    private TinyDen() {
    }

    static void pushTokenizer(Den den, Path work, String name) throws IOException {
        Path dir = Files.createDirectories(work.resolve("tok-src"));
        Files.writeString(dir.resolve("tokenizer.json"), TOKENIZER_JSON);
        den.push(PushRequest.builder(dir, name).build());
    }

    static void pushFile(Den den, Path work, String name, String content) throws IOException {
        Path dir = Files.createDirectories(work.resolve("src-" + name.replace('/', '-')));
        Files.writeString(dir.resolve("weights.txt"), content);
        den.push(PushRequest.builder(dir, name).build());
    }
}
