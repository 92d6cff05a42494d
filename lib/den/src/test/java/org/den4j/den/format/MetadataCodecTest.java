package org.den4j.den.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.den4j.den.DataType;
import org.den4j.den.DenInputException;
import org.den4j.den.HardwareRequirements;
import org.den4j.den.IoSpec;
import org.den4j.den.MetadataDocument;
import org.den4j.den.ModelInfo;
import org.den4j.den.ModelMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Metadata files in den4j's camelCase form and the Python model manager's snake_case form. */
class MetadataCodecTest {
    /** A record as the Python model manager exports it. */
    static final String PYTHON = """
            {"model_id": "acme/icd-coder", "model_name": "ICD coder (MIMIC-IV)", "model_type": "decoder-only",
             "data_type": "text", "description": "codes discharge notes", "tags": ["icd10"],
             "performance_metrics": {"f1_micro": 0.41, "inference_time_ms": 120},
             "hardware_requirements": {"min_memory_gb": 4, "recommended_memory_mb": 8192, "min_cpu_cores": 2,
                                       "supports_cpu": true, "supports_gpu": true, "min_gpu_memory_gb": 1.5},
             "huggingface_config": {"model_type": "qwen2", "hidden_size": 64},
             "inference_code_location": "org.den4j.coder.LmCoder", "supported_backends": ["pytorch", "llama.cpp"],
             "source_url": "https://huggingface.co/acme/icd-coder", "created_at": "2024-05-01T12:00:00",
             "updated_at": "2024-05-02T08:30:00+00:00"}""";

    @TempDir
    Path tmp;

    @Test
    void pythonFormFillsEveryField() throws Exception {
        MetadataDocument doc = MetadataCodec.read(write("coder.json", PYTHON));
        ModelMetadata m = doc.metadata();
        assertEquals("acme/icd-coder", doc.name());
        assertEquals("ICD coder (MIMIC-IV)", m.displayName());
        assertEquals("decoder-only", m.modelType());
        assertEquals(List.of(IoSpec.of("input", DataType.TEXT)), m.inputs());
        assertEquals(List.of(IoSpec.of("output", DataType.TEXT)), m.outputs());
        assertEquals(Map.of("f1_micro", 0.41, "inference_time_ms", 120.0), m.metrics());
        assertEquals(new HardwareRequirements(4096L, 8192L, false, 1536L, null, 2, null, true, true, null),
                m.hardware());
        assertEquals(64, m.hfConfig().get("hidden_size"));
        assertEquals("org.den4j.coder.LmCoder", m.inferenceCode());
        assertEquals(List.of("pytorch", "llama.cpp"), m.supportedBackends());
        assertEquals("https://huggingface.co/acme/icd-coder", m.sourceUrl());
        assertEquals(Instant.parse("2024-05-01T12:00:00Z"), doc.created());
        assertEquals(Instant.parse("2024-05-02T08:30:00Z"), doc.updated());
        assertEquals("codes discharge notes", doc.description());
        assertEquals(List.of("icd10"), doc.tags());
    }

    @Test
    void snakeCaseRoundTripGivesTheSameRecord() throws Exception {
        MetadataDocument doc = MetadataCodec.read(write("coder.json", PYTHON));
        Path json = tmp.resolve("again.json");
        Files.write(json, Json.MAPPER.writeValueAsBytes(MetadataCodec.toPython(doc)));
        assertEquals(doc, MetadataCodec.read(json));
        assertTrue(Files.readString(json).contains("\"data_type\":\"text\""), Files.readString(json));
        Path yaml = tmp.resolve("again.yaml");
        Files.write(yaml, Json.YAML.writeValueAsBytes(MetadataCodec.toPython(doc)));
        assertEquals(doc, MetadataCodec.read(yaml));

        // Inputs data_type cannot say (names, shapes) are written in den4j's keys, which both forms accept.
        ModelMetadata rich = doc.metadata().toBuilder().inputs(List.of(new IoSpec("input_ids", DataType.TOKENS,
                List.of(-1L, -1L), "int64", null, false))).build();
        MetadataDocument richDoc = new MetadataDocument("acme/x", null, null, null, null, null, rich);
        Files.write(json, Json.MAPPER.writeValueAsBytes(MetadataCodec.toPython(richDoc)));
        assertEquals(richDoc, MetadataCodec.read(json));
    }

    @Test
    void camelCaseFormIsTheRecordsOwnNames() throws Exception {
        ModelMetadata m = ModelMetadata.builder().displayName("Tiny").modelType("embedding")
                .inputs(List.of(IoSpec.of("text", DataType.TEXT))).outputs(List.of(IoSpec.of("v", DataType.EMBEDDINGS)))
                .hardware(new HardwareRequirements(512L, 1024L, false, null, null, 1, 2, true, false, "small"))
                .metric("recall", 0.9).extra("k", "v").build();
        Path file = tmp.resolve("m.json");
        Files.write(file, Json.MAPPER.writeValueAsBytes(m));
        assertEquals(m, MetadataCodec.read(file).metadata());
    }

    @Test
    void unknownKeyIsAnErrorNamingTheKeyAndTheFile() throws Exception {
        Path file = write("bad.yaml", "model_type: decoder-only\nperformance_metric:\n  f1: 0.5\n");
        DenInputException e = assertThrows(DenInputException.class, () -> MetadataCodec.read(file));
        assertTrue(e.getMessage().startsWith("Metadata file " + file.toAbsolutePath() + ": unknown key "
                + "'performance_metric'; "), e.getMessage());
        assertTrue(e.getMessage().contains("performance_metrics"), e.getMessage());

        Path nested = write("hw.json", "{\"hardware_requirements\": {\"min_ram\": 4}}");
        e = assertThrows(DenInputException.class, () -> MetadataCodec.read(nested));
        assertTrue(e.getMessage().contains(nested.toAbsolutePath() + ", hardware_requirements: unknown key 'min_ram'"),
                e.getMessage());

        Path twice = write("twice.json", "{\"model_type\": \"a\", \"modelType\": \"b\"}");
        e = assertThrows(DenInputException.class, () -> MetadataCodec.read(twice));
        assertTrue(e.getMessage().contains("gives both 'model_type' and 'modelType'"), e.getMessage());

        Path both = write("both.json", "{\"data_type\": \"text\", \"inputs\": []}");
        e = assertThrows(DenInputException.class, () -> MetadataCodec.read(both));
        assertTrue(e.getMessage().contains("data_type and inputs/outputs"), e.getMessage());

        Path badType = write("type.json", "{\"data_type\": {\"input\": \"tabular\"}}");
        e = assertThrows(DenInputException.class, () -> MetadataCodec.read(badType));
        assertTrue(e.getMessage().contains("data_type.input: 'tabular' is not a data type"), e.getMessage());
    }

    @Test
    void dataTypeObjectSetsInputsAndOutputsApart() throws Exception {
        ModelMetadata m = MetadataCodec.read(write("d.json",
                "{\"data_type\": {\"input\": \"image\", \"output\": [\"text\", \"logits\"]}}")).metadata();
        assertEquals(List.of(IoSpec.of("input", DataType.IMAGE)), m.inputs());
        assertEquals(List.of(IoSpec.of("output_1", DataType.TEXT), IoSpec.of("output_2", DataType.LOGITS)),
                m.outputs());
        assertEquals("{\"input\":\"image\",\"output\":[\"text\",\"logits\"]}",
                MetadataCodec.toPython(MetadataDocument.of(m)).get("data_type").toString());
    }

    @Test
    void registryFileTakesAListOrModelsOrRecordsById() throws Exception {
        Path byId = write("reg.yaml", """
                acme/a:
                  model_type: embedding
                acme/b:
                  model_id: acme/b
                  data_type: text
                """);
        List<MetadataDocument> docs = MetadataCodec.readRegistry(byId);
        assertEquals(List.of("acme/a", "acme/b"), docs.stream().map(MetadataDocument::name).toList());
        Path models = write("reg.json", "{\"models\": [" + PYTHON + "]}");
        assertEquals("acme/icd-coder", MetadataCodec.readRegistry(models).get(0).name());
        Path unnamed = write("unnamed.json", "[{\"model_type\": \"embedding\"}]");
        DenInputException e = assertThrows(DenInputException.class, () -> MetadataCodec.readRegistry(unnamed));
        assertTrue(e.getMessage().endsWith("record 1 names no model; give it model_id (or name)"), e.getMessage());
    }

    @Test
    void oldStoredRecordsWithoutTheNewFieldsStillLoad() throws Exception {
        // A version record as dens wrote it before display names, recommended figures and CPU/GPU flags.
        String old = """
                {"name": "acme/old", "version": 1, "digest": "%s", "description": "", "tags": [],
                 "metadata": {"modelType": "decoder-only", "inputs": [], "outputs": [], "hfConfig": {},
                   "supportedBackends": [], "hardware": {"minMemoryMb": 2048, "gpuRequired": true,
                   "minGpuMemoryMb": 4096, "minCpuCores": 4, "notes": "fp16"}, "metrics": {}, "extra": {}},
                 "created": "2025-01-01T00:00:00Z", "updated": "2025-01-01T00:00:00Z", "size": 3, "fileCount": 1}
                """.formatted("a".repeat(64));
        ModelInfo model = Json.MAPPER.readValue(old, ModelInfo.class);
        assertNull(model.metadata().displayName());
        assertEquals(new HardwareRequirements(2048L, true, 4096L, 4, "fp16"), model.metadata().hardware());
        assertNull(model.metadata().hardware().recommendedMemoryMb());
        assertNull(model.metadata().hardware().supportsCpu());
        // The same record is also a valid registry file.
        assertEquals("acme/old", MetadataCodec.readRegistry(write("old.json", "[" + old + "]")).get(0).name());
    }

    private Path write(String name, String text) throws Exception {
        Path file = tmp.resolve(name);
        Files.writeString(file, text);
        return file;
    }
}
