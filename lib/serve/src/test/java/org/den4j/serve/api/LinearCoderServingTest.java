package org.den4j.serve.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.den4j.coder.CodeDictionary;
import org.den4j.coder.CodedNote;
import org.den4j.coder.CoderDen;
import org.den4j.coder.CoderTraining;
import org.den4j.coder.Coders;
import org.den4j.coder.CodingData;
import org.den4j.coder.IcdCoder;
import org.den4j.coder.PredictOptions;
import org.den4j.coder.PredictedCode;
import org.den4j.coder.Prediction;
import org.den4j.coder.remote.OpenAiClient;
import org.den4j.coder.remote.RemoteCoder;
import org.den4j.data.MimicImport;
import org.den4j.data.MimicVersion;
import org.den4j.data.SyntheticMimic;
import org.den4j.den.Den;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The coder API with a real linear coder trained on synthetic MIMIC-IV: what it answers over HTTP is what the coder
 * answers in-process, and lib/coder's remote inference client reads the same codes from its OpenAI endpoint.
 */
class LinearCoderServingTest {
    @TempDir
    Path dir;

    @Test
    void servedLinearCoderAnswersAsInProcessAndToTheRemoteClient() throws Exception {
        assumeTrue(Coders.formats().stream().anyMatch(f -> f.kind().equals("linear")),
                "the linear coder kind is not registered yet");
        SyntheticMimic.builder(MimicVersion.MIMIC_IV).patients(80).seed(7).build().write(dir.resolve("mimic"));
        MimicImport mimic = MimicImport.builder(dir.resolve("mimic"), MimicVersion.MIMIC_IV)
                .outputDir(dir.resolve("db")).build();
        mimic.run();
        Path db = mimic.database();
        Path linear = Coders.format("linear").train(new CoderTraining(CodingData.read(db, "train", 0),
                CodingData.read(db, "validation", 0), CodeDictionary.fromDatabase(db), dir.resolve("linear"),
                Map.of(), null, "cpu", 7, null, Map.of()));
        List<String> notes = CodingData.read(db, "test", 5).stream().map(CodedNote::text).toList();
        try (Den den = Den.at(dir.resolve("den")); IcdCoder local = Coders.load(linear)) {
            String ref = CoderDen.push(den, linear, "den4j/icd-coder", null);
            den.alias("den4j/icd-coder", "champion", 1);
            InferenceConfig config = InferenceConfig.defaults().withApi(new InferenceConfig.Api("127.0.0.1", 0,
                    List.of(), 0, 0, Duration.ofSeconds(60), 10L << 20, null, 2));
            try (CoderApiServer server = CoderApiServer.builder(config).den(den).start()) {
                Http http = new Http(server.url());
                CoderApiTest.awaitReady(http);
                assertEquals("linear", Http.json(http.get("/info")).at("/model/kind").asText());
                int withCodes = 0;
                OpenAiClient client = OpenAiClient.builder(server.url() + "/v1").build();
                RemoteCoder remote = new RemoteCoder(client, "den4j/icd-coder", local.dictionary());
                for (String note : notes) {
                    Prediction expected = local.predict(note, PredictOptions.DEFAULTS);
                    JsonNode served = Http.json(http.post("/predict", Http.JSON.writeValueAsString(Map.of("text",
                            note))));
                    assertEquals(codes(expected), codesOf(served.get("codes")));
                    assertEquals(ref, served.at("/model/name").asText() + "@" + served.at("/model/version").asText());
                    for (JsonNode c : served.get("codes")) {
                        for (JsonNode e : c.get("evidence")) {
                            assertEquals(e.get("text").asText(), note.substring(e.get("start").asInt(),
                                    e.get("end").asInt()));
                        }
                    }
                    Prediction viaOpenAi = remote.predict(note, PredictOptions.DEFAULTS);
                    assertEquals(codes(expected), codes(viaOpenAi), "remote predict over /v1/chat/completions");
                    assertEquals(0, viaOpenAi.dropped());
                    withCodes += expected.codes().isEmpty() ? 0 : 1;
                }
                assertTrue(withCodes > 0, "the linear coder assigned no code to any test note");
                assertFalse(client.models().isEmpty());
            }
        }
    }

    private static List<String> codes(Prediction p) {
        return p.codes().stream().map(PredictedCode::code).toList();
    }

    private static List<String> codesOf(JsonNode codes) {
        List<String> out = new ArrayList<>();
        codes.forEach(c -> out.add(c.get("code").asText()));
        return out;
    }
}
