package org.den4j.serve.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.den4j.coder.CodeDictionary;
import org.den4j.coder.CodedNote;
import org.den4j.coder.CoderFormat;
import org.den4j.coder.CoderTraining;
import org.den4j.coder.Coders;
import org.den4j.coder.CodingData;
import org.den4j.coder.GenerativeCoder;
import org.den4j.coder.IcdCoder;
import org.den4j.data.MimicImport;
import org.den4j.data.MimicVersion;
import org.den4j.data.SyntheticMimic;
import org.den4j.lm.kit.KitSize;
import org.den4j.lm.kit.ModelKit;
import org.den4j.lm.kit.NoteCorpus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real lm-generate coder (den4j's kit base, a LoRA adapter of two steps) through the OpenAI endpoints: the answer
 * is its constrained generation, streamed code by code, and the same as generating in-process.
 */
class LmGenerateServingTest {
    @TempDir
    Path dir;

    @Test
    void lmGenerateCoderGeneratesThroughChatCompletionsAsInProcess() throws Exception {
        SyntheticMimic.builder(MimicVersion.MIMIC_IV).patients(30).seed(7).build().write(dir.resolve("mimic"));
        MimicImport mimic = MimicImport.builder(dir.resolve("mimic"), MimicVersion.MIMIC_IV)
                .outputDir(dir.resolve("db")).build();
        mimic.run();
        Path db = mimic.database();
        List<CodedNote> train = CodingData.read(db, "train", 0);
        new ModelKit(KitSize.QUICK.withTrainSteps(0), 7, new PrintStream(OutputStream.nullOutputStream()))
                .build(new NoteCorpus(db, train.stream().map(CodedNote::text).toList()), dir.resolve("base"));
        Path folder = Coders.format("lm-generate").train(new CoderTraining(train.subList(0, 4),
                CodingData.read(db, "validation", 0).subList(0, 2), CodeDictionary.fromDatabase(db),
                dir.resolve("coder"), Map.of("base", dir.resolve("base").toString(), "steps", "2", "batch-size", "2",
                "max-new-tokens", "24", "validation-notes", "1"), null, "cpu", 7, null, Map.of()));
        String note = CodingData.read(db, "test", 1).get(0).text();
        GenerativeCoder.Generation local;
        try (IcdCoder coder = Coders.load(folder, null, CoderFormat.LoadOptions.DEFAULTS)) {
            assertTrue(coder instanceof GenerativeCoder, coder.getClass().getName());
            local = ((GenerativeCoder) coder).generate(note, new GenerativeCoder.Sampling(24, 0, 1, null,
                    List.of()), piece -> { });
        }
        InferenceConfig c = InferenceConfig.defaults().withModel(folder.toString()).withApi(new InferenceConfig.Api(
                "127.0.0.1", 0, List.of(), 0, 0, Duration.ofSeconds(120), 10L << 20, null, 1));
        try (CoderApiServer server = CoderApiServer.builder(c).start()) {
            Http http = new Http(server.url());
            CoderApiTest.awaitReady(http);
            String request = Http.JSON.writeValueAsString(Map.of("max_tokens", 24, "messages",
                    List.of(Map.of("role", "user", "content", note))));
            JsonNode answer = Http.json(http.post("/v1/chat/completions", request));
            assertEquals(local.text(), answer.at("/choices/0/message/content").asText());
            assertEquals(local.completionTokens(), answer.at("/usage/completion_tokens").asInt());
            assertEquals(local.promptTokens(), answer.at("/usage/prompt_tokens").asInt());
            assertEquals(local.finishReason(), answer.at("/choices/0/finish_reason").asText());

            Http.SseReply s = http.stream("/v1/chat/completions", request.replace("{", "{\"stream\":true,"));
            StringBuilder streamed = new StringBuilder();
            List<String> pieces = new ArrayList<>();
            for (String e : s.events().subList(0, s.events().size() - 1)) {
                String piece = Http.JSON.readTree(e).at("/choices/0/delta/content").asText("");
                if (!piece.isEmpty()) {
                    pieces.add(piece);
                    streamed.append(piece);
                }
            }
            assertEquals("[DONE]", s.events().get(s.events().size() - 1));
            assertEquals(local.text(), streamed.toString());
            assertEquals(local.text().isEmpty() ? 0 : local.text().split(", ").length, pieces.size(),
                    "one chunk a generated code: " + pieces);
        }
    }
}
