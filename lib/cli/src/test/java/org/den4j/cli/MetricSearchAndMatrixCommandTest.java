package org.den4j.cli;

import static org.den4j.cli.Cli.model;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.den4j.den.format.Json;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code den search --metric/--sort} and {@code den registry matrix}, in-process against a real den. */
class MetricSearchAndMatrixCommandTest {
    @TempDir
    Path tmp;
    Cli cli;

    @BeforeEach
    void setUp() {
        cli = new Cli(tmp.resolve("den"));
    }

    /** Pushes a one-file model with inputs, outputs and metrics given as YAML. */
    private void push(String name, String input, String output, String metrics) throws Exception {
        Path dir = model(tmp.resolve(name.replace('/', '-')), "config.json", "{\"name\":\"" + name + "\"}");
        Path meta = Files.writeString(tmp.resolve(name.replace('/', '-') + ".yaml"), "inputs:\n"
                + "  - {name: in, dataType: " + input + "}\noutputs:\n  - {name: out, dataType: " + output + "}\n"
                + (metrics.isEmpty() ? "" : "metrics: {" + metrics + "}\n"));
        Cli.Result r = cli.den("push", dir.toString(), "--name", name, "--metadata", meta.toString());
        assertEquals(0, r.exit(), r::toString);
    }

    private void seed() throws Exception {
        push("acme/painter", "TEXT", "IMAGE", "f1: 0.5, inference_time_ms: 12");
        push("acme/captioner", "IMAGE", "TEXT", "f1: 0.8, inference_time_ms: 95");
        push("acme/embedder", "TEXT", "EMBEDDINGS", "f1: 0.2, inference_time_ms: 40");
        push("acme/listener", "AUDIO", "FEATURES", "");
    }

    private static List<String> refs(Cli.Result r) throws Exception {
        assertEquals(0, r.exit(), r::toString);
        List<String> refs = new ArrayList<>();
        Json.MAPPER.readTree(r.out()).forEach(n -> refs.add(n.get("name").asText() + "@" + n.get("version").asInt()));
        return refs;
    }

    @Test
    void metricConditionsFilterAndSortOrdersAscendingOrDescending() throws Exception {
        seed();
        assertEquals(List.of("acme/captioner@1", "acme/painter@1"), refs(cli.den("search", "--metric", "f1>=0.5",
                "--json")));
        assertEquals(List.of("acme/painter@1"), refs(cli.den("search", "--metric", "f1>=0.5", "--metric",
                "inference_time_ms<50", "--json")));
        assertEquals(List.of("acme/painter@1", "acme/embedder@1", "acme/captioner@1", "acme/listener@1"),
                refs(cli.den("search", "--sort", "inference_time_ms", "--json")));
        assertEquals(List.of("acme/captioner@1", "acme/painter@1", "acme/embedder@1"),
                refs(cli.den("search", "--sort", "-f1", "--metric", "f1!=0", "--json")));

        Cli.Result table = cli.den("search", "--metric", "f1>=0.5", "--sort", "inference_time_ms");
        assertEquals(0, table.exit(), table::toString);
        List<String> lines = table.lines();
        assertEquals(List.of("MODEL", "DIGEST", "SIZE", "CREATED", "(UTC)", "F1", "INFERENCE_TIME_MS", "PARENT",
                "TAGS", "DESCRIPTION"),
                List.of(lines.get(0).trim().split("\\s+")));
        // SIZE and CREATED are two words each: the metrics are the 7th and 8th
        assertEquals(List.of("acme/painter@1", "0.5", "12.0"), columns(lines.get(1), 0, 6, 7));
        assertEquals(List.of("acme/captioner@1", "0.8", "95.0"), columns(lines.get(2), 0, 6, 7));
    }

    private static List<String> columns(String line, int... indexes) {
        String[] cells = line.trim().split("\\s+");
        List<String> picked = new ArrayList<>();
        for (int i : indexes) {
            picked.add(cells[i]);
        }
        return picked;
    }

    @Test
    void aMalformedConditionIsBadInputNamingTheTextAndTheForm() throws Exception {
        seed();
        Cli.Result r = cli.den("search", "--metric", "f1 ~ 0.5");
        assertEquals(2, r.exit(), r::toString);
        assertEquals("den: Metric condition 'f1 ~ 0.5' is not of the form NAME OP NUMBER with OP one of >=, <=, >, "
                + "<, =, != (for example f1>=0.5)\n", r.err());
        assertEquals("", r.out());
    }

    @Test
    void theDuckDbIndexGivesTheSameMetricSearch() throws Exception {
        seed();
        Cli duckdb = new Cli(tmp.resolve("den"), Map.of("DEN4J_REGISTRY_INDEX", "duckdb"));
        for (String[] args : List.of(new String[] {"search", "--metric", "f1<0.6", "--sort", "-inference_time_ms"},
                new String[] {"search", "text", "--metric", "f1>0", "--latest", "--json"})) {
            assertEquals(cli.den(args).toString(), duckdb.den(args).toString(), String.join(" ", args));
        }
    }

    @Test
    void registryMatrixShowsDirectModelsAndShortestChains() throws Exception {
        seed();
        Cli.Result r = cli.den("registry", "matrix");
        assertEquals(0, r.exit(), r::toString);
        assertEquals("""
                INPUT  OUTPUT      DIRECT            SHORTEST CHAIN
                TEXT   TEXT        -                 acme/painter@1 -> IMAGE -> acme/captioner@1
                TEXT   IMAGE       acme/painter@1    acme/painter@1
                TEXT   EMBEDDINGS  acme/embedder@1   acme/embedder@1
                IMAGE  TEXT        acme/captioner@1  acme/captioner@1
                IMAGE  IMAGE       -                 acme/captioner@1 -> TEXT -> acme/painter@1
                IMAGE  EMBEDDINGS  -                 acme/captioner@1 -> TEXT -> acme/embedder@1
                AUDIO  FEATURES    acme/listener@1   acme/listener@1
                """, r.out());

        JsonNode json = Json.MAPPER.readTree(cli.den("registry", "matrix", "--json").out());
        assertEquals(7, json.get("pairs").size());
        JsonNode textToText = json.get("pairs").get(0);
        assertEquals("TEXT", textToText.get("input").asText());
        assertEquals("TEXT", textToText.get("output").asText());
        assertEquals(0, textToText.get("direct").size());
        assertEquals("{\"model\":\"acme/captioner@1\",\"input\":\"IMAGE\",\"output\":\"TEXT\"}",
                textToText.get("chain").get(1).toString());
        assertEquals(List.of("input", "output", "direct", "chain"), fieldNames(textToText));
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void registryMatrixOfADenWithoutDataTypesSaysHowToDeclareThem() throws Exception {
        Path dir = model(tmp.resolve("plain"), "config.json", "{}");
        assertEquals(0, cli.den("push", dir.toString(), "--name", "acme/plain").exit());
        Cli.Result r = cli.den("registry", "matrix");
        assertEquals(0, r.exit(), r::toString);
        assertEquals("", r.out());
        assertEquals("no model declares input and output data types; give them in the metadata (den push --metadata "
                + "FILE with inputs and outputs)\n", r.err());
        assertEquals("{\n  \"pairs\" : [ ]\n}\n", cli.den("registry", "matrix", "--json").out());
        Cli.Result bare = cli.den("registry");
        assertEquals(2, bare.exit(), bare::toString);
        assertEquals(true, bare.err().contains("matrix"), bare::toString);
    }
}
