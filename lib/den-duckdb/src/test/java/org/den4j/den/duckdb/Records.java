package org.den4j.den.duckdb;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.den4j.den.DataType;
import org.den4j.den.HardwareRequirements;
import org.den4j.den.IoSpec;
import org.den4j.den.ModelInfo;
import org.den4j.den.ModelMetadata;
import org.den4j.den.RegistryQuery;

/**
 * Random registry records and queries drawn from small pools, so that queries hit often and the
 * corners of case folding, "null" types and duplicate tags come up.
 */
final class Records {
    static final String[] ORGS = {"acme", "mimic", "Med-AI", "zeta.lab", "İnst"};
    static final String[] BASES = {"icd-coder", "qwen2-tiny", "note-embedder", "cxr-vision", "Coder", "ß-model"};
    static final String[] WORDS = {"ICD", "icd-10", "notes", "Qwen2", "radiology", "discharge", "summary", "straße",
        "İstanbul", "ıi", "ǅemal", "\uD801\uDC00 deseret", "Clinical", "coder", "x\u0000y", "", "LoRA"};
    static final String[] TAGS = {"icd10", "mimic-iv", "Mimic-IV", "base", "finetuned", "lora", "prod", "with space",
        "ß", "İ"};
    static final String[] TYPES = {null, ModelMetadata.DECODER_ONLY, ModelMetadata.EMBEDDING, ModelMetadata.VISION,
        "Decoder-Only", "null", "NULL", "ǅ-type", "\uD801\uDC28-type"};
    static final String[] ARCHITECTURES = {null, "Qwen2ForCausalLM", "qwen2forcausallm", "BertModel", "ViT",
        "ıarch", "Iarch", "ǆarch", "null"};
    static final String[] QUERY_TYPES = {"decoder-only", "DECODER-ONLY", "embedding", "vision", "null", "Null",
        "ǆ-TYPE", "Ǆ-type", "\uD801\uDC00-type", "audio", "nothing"};
    static final String[] QUERY_ARCHITECTURES = {"qwen2forcausallm", "QWEN2FORCAUSALLM", "bertmodel", "vit", "null",
        "IARCH", "iarch", "ıARCH", "ǅarch", "nothing"};
    static final String[] QUERY_WORDS = {"icd", "ICD", "cod", "coder", "qwen2", "notes", "straße", "STRASSE", "i̇stanbul",
        "istanbul", "ı", "ǆ", "\uD801\uDC28", "mimic", "acme/icd-coder", "-", "/", "prod", "space", "tiny", "lora",
        "x\u0000y", "absent", "Med-AI", "zeta.lab"};

    private Records() {
    }

    /** {@code count} records sorted by name then version, as a den lists them. */
    static List<ModelInfo> random(Random r, int count) {
        List<ModelInfo> out = new ArrayList<>();
        int nameIndex = 0;
        while (out.size() < count) {
            String name = ORGS[r.nextInt(ORGS.length)].replace("İ", "I") + "/" + BASES[r.nextInt(BASES.length)]
                    .replace("ß", "ss") + "-" + (nameIndex++);
            int versions = 1 + r.nextInt(4);
            for (int v = 1; v <= versions && out.size() < count; v++) {
                if (r.nextInt(5) == 0) {
                    continue; // a deleted version leaves a gap
                }
                out.add(record(r, name, v));
            }
        }
        out.sort(java.util.Comparator.comparing(ModelInfo::name).thenComparingInt(ModelInfo::version));
        return out;
    }

    static ModelInfo record(Random r, String name, int version) {
        ModelMetadata.Builder meta = ModelMetadata.builder()
                .modelType(TYPES[r.nextInt(TYPES.length)])
                .architecture(ARCHITECTURES[r.nextInt(ARCHITECTURES.length)])
                .inputs(ios(r, "in"))
                .outputs(ios(r, "out"))
                .license(r.nextBoolean() ? "apache-2.0" : r.nextBoolean() ? "mit" : null)
                .supportedBackends(r.nextBoolean() ? List.of("pytorch", "llama.cpp") : List.of())
                .hardware(r.nextBoolean() ? HardwareRequirements.NONE
                        : new HardwareRequirements((long) r.nextInt(64_000), r.nextBoolean(), null, 1 + r.nextInt(8), "n"))
                .sourceUrl(r.nextBoolean() ? "https://huggingface.co/" + name : null);
        if (r.nextBoolean()) {
            Map<String, Object> config = new LinkedHashMap<>();
            config.put("model_type", "qwen2");
            config.put("hidden_size", 64 << r.nextInt(4));
            config.put("architectures", List.of("Qwen2ForCausalLM"));
            meta.hfConfig(config);
        }
        for (String metric : List.of("f1_micro", "f1_macro", "loss")) {
            if (r.nextBoolean()) {
                meta.metric(metric, Math.round(r.nextDouble() * 1000) / 1000.0);
            }
        }
        if (r.nextInt(4) == 0) {
            meta.extra("dataset", "mimic-iv-note");
        }
        StringBuilder description = new StringBuilder();
        for (int i = r.nextInt(5); i > 0; i--) {
            description.append(WORDS[r.nextInt(WORDS.length)]).append(' ');
        }
        List<String> tags = new ArrayList<>();
        for (int i = r.nextInt(4); i > 0; i--) {
            tags.add(TAGS[r.nextInt(TAGS.length)]); // duplicates on purpose
        }
        String digest = hex(r);
        Instant created = Instant.ofEpochSecond(1_700_000_000L + r.nextInt(10_000_000), r.nextInt(1_000_000_000));
        return new ModelInfo(name, version, digest, description.toString().strip(), tags,
                version > 1 && r.nextBoolean() ? hex(r) : null, version > 1 ? name + "@" + (version - 1) : null,
                meta.build(), created, created.plusSeconds(r.nextInt(1000)), r.nextInt(1 << 30), 1 + r.nextInt(9));
    }

    private static List<IoSpec> ios(Random r, String prefix) {
        List<IoSpec> ios = new ArrayList<>();
        for (int i = r.nextInt(3); i > 0; i--) {
            DataType type = DataType.values()[r.nextInt(DataType.values().length)];
            ios.add(new IoSpec(prefix + i, type, r.nextBoolean() ? List.of(-1L, 512L) : List.of(),
                    r.nextBoolean() ? "int64" : null, null, r.nextInt(4) == 0));
        }
        return ios;
    }

    static RegistryQuery query(Random r) {
        RegistryQuery.Builder q = RegistryQuery.builder();
        if (r.nextInt(3) == 0) {
            StringBuilder text = new StringBuilder();
            for (int i = 1 + r.nextInt(2); i > 0; i--) {
                text.append(QUERY_WORDS[r.nextInt(QUERY_WORDS.length)]).append(r.nextBoolean() ? " " : " \t ");
            }
            q.text(text.toString());
        }
        for (int i = r.nextInt(4) == 0 ? 1 + r.nextInt(2) : 0; i > 0; i--) {
            q.tag(TAGS[r.nextInt(TAGS.length)]);
        }
        if (r.nextInt(4) == 0) {
            q.modelType(QUERY_TYPES[r.nextInt(QUERY_TYPES.length)]);
        }
        if (r.nextInt(4) == 0) {
            q.architecture(QUERY_ARCHITECTURES[r.nextInt(QUERY_ARCHITECTURES.length)]);
        }
        if (r.nextInt(4) == 0) {
            q.input(DataType.values()[r.nextInt(DataType.values().length)]);
        }
        if (r.nextInt(4) == 0) {
            q.output(DataType.values()[r.nextInt(DataType.values().length)]);
        }
        return q.latestOnly(r.nextInt(3) == 0).build();
    }

    private static String hex(Random r) {
        StringBuilder b = new StringBuilder(64);
        for (int i = 0; i < 64; i++) {
            b.append(Character.forDigit(r.nextInt(16), 16));
        }
        return b.toString();
    }
}
