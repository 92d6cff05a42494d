package org.den4j.serve.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.den4j.coder.CodeDictionary;
import org.den4j.coder.CoderModel;
import org.den4j.coder.GenerativeCoder;
import org.den4j.coder.IcdCoder;
import org.den4j.coder.ScoredCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A coder that generates ({@link GenerativeCoder}) is asked through its generate method: the OpenAI endpoints stream
 * its pieces as they come and pass max_tokens, temperature, top_p, seed and stop through, and usage is its own.
 */
class GenerativeServingTest {
    @TempDir
    Path dir;

    /** The keyword coder answering piece by piece, one token a code, recording the sampling it was asked with. */
    static final class Generating implements GenerativeCoder {
        static volatile Sampling last;
        private final KeywordCoder coder;

        Generating(KeywordCoder coder) {
            this.coder = coder;
        }

        @Override
        public String prompt(String note) {
            return "Predict the medical codes for the following text: " + note;
        }

        @Override
        public Generation generate(String note, Sampling sampling, Consumer<String> onText) {
            last = sampling;
            List<String> codes = coder.predict(note, org.den4j.coder.PredictOptions.DEFAULTS).codes().stream()
                    .map(c -> c.code()).toList();
            StringBuilder text = new StringBuilder();
            int made = 0;
            for (String c : codes) {
                if (made == sampling.maxNewTokens()) {
                    return new Generation(text.toString(), 7, made, "length");
                }
                String piece = (text.length() == 0 ? "" : ", ") + c;
                text.append(piece);
                onText.accept(piece);
                made++;
            }
            return new Generation(text.toString(), 7, made, "stop");
        }

        @Override
        public String kind() {
            return "lm-generate-test";
        }

        @Override
        public CoderModel model() {
            return coder.model();
        }

        @Override
        public CodeDictionary dictionary() {
            return coder.dictionary();
        }

        @Override
        public java.util.Set<org.den4j.coder.IcdVersion> versions() {
            return coder.versions();
        }

        @Override
        public org.den4j.coder.Prediction predict(String text, org.den4j.coder.PredictOptions options) {
            return coder.predict(text, options);
        }

        @Override
        public List<ScoredCode> rank(String text, org.den4j.coder.IcdVersion version, int limit) {
            return coder.rank(text, version, limit);
        }
    }

    @Test
    void generativeCoderStreamsItsOwnPiecesWithTheRequestsSampling() throws Exception {
        Path folder = KeywordCoder.write(dir.resolve("coder"), KeywordCoder.keywords(1), KeywordCoder.descriptions(),
                0);
        Files.writeString(folder.resolve("generative"), "yes");
        InferenceConfig c = InferenceConfig.defaults().withModel(folder.toString()).withApi(new InferenceConfig.Api(
                "127.0.0.1", 0, List.of(), 0, 0, Duration.ofSeconds(30), 1 << 20, null, 2));
        try (CoderApiServer server = CoderApiServer.builder(c).start()) {
            Http http = new Http(server.url());
            CoderApiTest.awaitReady(http);
            assertTrue(Http.json(http.get("/info")).get("generative").asBoolean());
            String note = "CHF and diabetes and hypertension";
            Http.SseReply s = http.stream("/v1/chat/completions", "{\"stream\":true,\"max_tokens\":2,"
                    + "\"temperature\":0.7,\"top_p\":0.9,\"seed\":11,\"stop\":[\"\\n\"],\"stream_options\":"
                    + "{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"" + note + "\"}]}");
            List<String> pieces = new ArrayList<>();
            List<JsonNode> chunks = new ArrayList<>();
            for (String e : s.events().subList(0, s.events().size() - 1)) {
                JsonNode chunk = Http.JSON.readTree(e);
                chunks.add(chunk);
                String piece = chunk.at("/choices/0/delta/content").asText("");
                if (!piece.isEmpty()) {
                    pieces.add(piece);
                }
            }
            assertEquals(List.of("I50.9", ", E11.9"), pieces, "one chunk a generated piece");
            assertEquals("length", chunks.get(chunks.size() - 2).at("/choices/0/finish_reason").asText());
            JsonNode usage = chunks.get(chunks.size() - 1).get("usage");
            assertEquals(7, usage.get("prompt_tokens").asInt());
            assertEquals(2, usage.get("completion_tokens").asInt());
            GenerativeCoder.Sampling asked = Generating.last;
            assertEquals(new GenerativeCoder.Sampling(2, 0.7, 0.9, 11L, List.of("\n")), asked);

            JsonNode plain = Http.json(http.post("/v1/completions", "{\"prompt\":\"" + note + "\"}"));
            assertEquals("I50.9, E11.9, I10", plain.at("/choices/0/text").asText());
            assertEquals("stop", plain.at("/choices/0/finish_reason").asText());
            assertEquals(64, Generating.last.maxNewTokens(), "inference.max_new_tokens when the request has none");
        }
    }

    /** Loads the test coder folder as a generating coder when it has a {@code generative} file. */
    static IcdCoder wrapIfGenerative(Path folder, KeywordCoder coder) {
        return Files.exists(folder.resolve("generative")) ? new Generating(coder) : coder;
    }
}
