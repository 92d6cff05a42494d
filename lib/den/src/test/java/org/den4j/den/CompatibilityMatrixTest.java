package org.den4j.den;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.den4j.den.CompatibilityMatrix.Pair;
import org.den4j.den.CompatibilityMatrix.Step;
import org.den4j.den.format.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The compatibility matrix of a small real den: direct models, a two-model chain, unreachable types. */
class CompatibilityMatrixTest {
    @TempDir
    Path tmp;

    private void push(Den den, String name, List<DataType> inputs, List<DataType> outputs) throws Exception {
        Path dir = DenRoundTripTest.model(tmp.resolve(name + "-" + System.nanoTime()), "config.json",
                "{\"name\":\"" + name + "\",\"io\":\"" + inputs + outputs + "\"}");
        ModelMetadata meta = ModelMetadata.builder()
                .inputs(inputs.stream().map(t -> IoSpec.of(t.name().toLowerCase(), t)).toList())
                .outputs(outputs.stream().map(t -> IoSpec.of(t.name().toLowerCase(), t)).toList()).build();
        den.push(PushRequest.builder(dir, name).metadata(meta).build());
    }

    private Den seeded() throws Exception {
        Den den = Den.at(tmp.resolve("den"));
        push(den, "acme/painter", List.of(DataType.TEXT), List.of(DataType.IMAGE));
        push(den, "acme/captioner", List.of(DataType.IMAGE), List.of(DataType.TEXT));
        push(den, "acme/embedder", List.of(DataType.TEXT), List.of(DataType.EMBEDDINGS));
        push(den, "acme/clip", List.of(DataType.IMAGE, DataType.TEXT), List.of(DataType.EMBEDDINGS));
        push(den, "acme/listener", List.of(DataType.AUDIO), List.of(DataType.FEATURES));
        push(den, "acme/untyped", List.of(), List.of());
        return den;
    }

    @Test
    void directModelsAndTheShortestChainForEachReachablePair() throws Exception {
        try (Den den = seeded()) {
            CompatibilityMatrix matrix = CompatibilityMatrix.of(den);
            assertEquals(EnumSet.of(DataType.TEXT, DataType.IMAGE, DataType.AUDIO), matrix.inputs());
            assertEquals(EnumSet.of(DataType.TEXT, DataType.IMAGE, DataType.EMBEDDINGS), matrix.reachable(DataType.TEXT));

            Pair textToEmbeddings = matrix.pair(DataType.TEXT, DataType.EMBEDDINGS).orElseThrow();
            assertEquals(List.of("acme/clip@1", "acme/embedder@1"), textToEmbeddings.direct());
            assertEquals(List.of(new Step("acme/clip@1", DataType.TEXT, DataType.EMBEDDINGS)), textToEmbeddings.chain());

            // No single model turns text into text; painter then captioner does.
            Pair textToText = matrix.pair(DataType.TEXT, DataType.TEXT).orElseThrow();
            assertEquals(List.of(), textToText.direct());
            assertEquals(List.of(new Step("acme/painter@1", DataType.TEXT, DataType.IMAGE),
                    new Step("acme/captioner@1", DataType.IMAGE, DataType.TEXT)), textToText.chain());
            assertEquals(List.of(new Step("acme/captioner@1", DataType.IMAGE, DataType.TEXT),
                    new Step("acme/painter@1", DataType.TEXT, DataType.IMAGE)),
                    matrix.pair(DataType.IMAGE, DataType.IMAGE).orElseThrow().chain());

            assertEquals(EnumSet.of(DataType.FEATURES), matrix.reachable(DataType.AUDIO));
            assertEquals(Optional.empty(), matrix.pair(DataType.TEXT, DataType.FEATURES), "audio models are apart");
            assertEquals(Optional.empty(), matrix.pair(DataType.VIDEO, DataType.TEXT), "no model takes video");
            assertEquals(EnumSet.noneOf(DataType.class), matrix.reachable(DataType.VIDEO));
            assertEquals(List.of("TEXT->TEXT", "TEXT->IMAGE", "TEXT->EMBEDDINGS", "IMAGE->TEXT", "IMAGE->IMAGE",
                    "IMAGE->EMBEDDINGS", "AUDIO->FEATURES"),
                    matrix.pairs().stream().map(p -> p.input() + "->" + p.output()).toList());
        }
    }

    @Test
    void aThreeModelChainAndTheLatestVersionOnly() throws Exception {
        try (Den den = seeded()) {
            push(den, "acme/vectorizer", List.of(DataType.EMBEDDINGS), List.of(DataType.AUDIO));
            CompatibilityMatrix matrix = CompatibilityMatrix.of(den);
            assertEquals(List.of(new Step("acme/clip@1", DataType.TEXT, DataType.EMBEDDINGS),
                    new Step("acme/vectorizer@1", DataType.EMBEDDINGS, DataType.AUDIO),
                    new Step("acme/listener@1", DataType.AUDIO, DataType.FEATURES)),
                    matrix.pair(DataType.TEXT, DataType.FEATURES).orElseThrow().chain());
            // A new version that gives something else replaces the old one in the matrix of the den.
            push(den, "acme/listener", List.of(DataType.AUDIO), List.of(DataType.TEXT));
            matrix = CompatibilityMatrix.of(den);
            assertEquals(EnumSet.of(DataType.TEXT, DataType.IMAGE, DataType.AUDIO, DataType.EMBEDDINGS),
                    matrix.reachable(DataType.AUDIO), "audio -> text -> embeddings -> audio");
            assertTrue(matrix.pair(DataType.TEXT, DataType.FEATURES).isEmpty());
            assertEquals(List.of("acme/listener@2"), matrix.pair(DataType.AUDIO, DataType.TEXT).orElseThrow().direct());
            // Every version counts when the caller passes them all.
            assertEquals(List.of("acme/listener@1"), CompatibilityMatrix.of(den.list())
                    .pair(DataType.AUDIO, DataType.FEATURES).orElseThrow().direct());
        }
    }

    @Test
    void emptyDenHasAnEmptyMatrixAndJsonKeysAreStable() throws Exception {
        try (Den den = Den.at(tmp.resolve("empty"))) {
            assertEquals(List.of(), CompatibilityMatrix.of(den).pairs());
        }
        CompatibilityMatrix one = new CompatibilityMatrix(List.of(new Pair(DataType.TEXT, DataType.LOGITS,
                List.of("a/b@1"), List.of(new Step("a/b@1", DataType.TEXT, DataType.LOGITS)))));
        assertEquals("{\"pairs\":[{\"input\":\"TEXT\",\"output\":\"LOGITS\",\"direct\":[\"a/b@1\"],\"chain\":"
                + "[{\"model\":\"a/b@1\",\"input\":\"TEXT\",\"output\":\"LOGITS\"}]}]}",
                Json.MAPPER.writeValueAsString(one));
    }
}
