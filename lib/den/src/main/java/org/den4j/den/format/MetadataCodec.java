package org.den4j.den.format;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.den4j.den.DataType;
import org.den4j.den.DenException;
import org.den4j.den.DenInputException;
import org.den4j.den.HardwareRequirements;
import org.den4j.den.IoSpec;
import org.den4j.den.MetadataDocument;
import org.den4j.den.ModelInfo;
import org.den4j.den.ModelMetadata;

/**
 * Reads metadata files and registry files in both forms users have: den4j's camelCase form (the
 * {@link ModelMetadata} record's own names, as {@code den export-registry} writes them) and the Python model
 * manager's snake_case export ({@code model_id}, {@code model_name}, {@code model_type}, {@code data_type},
 * {@code performance_metrics}, {@code hardware_requirements}, {@code huggingface_config},
 * {@code inference_code_location}, {@code supported_backends}, {@code source_url}, {@code created_at},
 * {@code updated_at}); and writes the Python form back.
 *
 * <p>Reading is strict: a key that is neither form's is an error naming the key and the file, never dropped.
 * A key may be given in either spelling, but not in both. Mappings that are not one-to-one:
 * <ul>
 * <li>{@code data_type}: a type name (for example {@code text}) is the type of the model's one input and its
 * one output (named {@code input} and {@code output}); an object {@code {"input": T, "output": U}} (each a type
 * or a list of types) sets them apart. It may not be given together with {@code inputs} or {@code outputs}.
 * Writing gives {@code data_type} where it says everything, and den4j's {@code inputs}/{@code outputs}
 * otherwise.
 * <li>{@code hardware_requirements}: the record's fields in snake_case ({@code min_memory_mb},
 * {@code recommended_memory_mb}, {@code gpu_required}, {@code min_gpu_memory_mb},
 * {@code recommended_gpu_memory_mb}, {@code min_cpu_cores}, {@code recommended_cpu_cores},
 * {@code supports_cpu}, {@code supports_gpu}, {@code notes}); the memory figures also in GB
 * ({@code min_memory_gb}, ...), stored as MiB (1 GB = 1024 MiB).
 * <li>{@code created_at}/{@code updated_at}: ISO-8601, with or without a zone (UTC when none, as Python's
 * {@code datetime.utcnow().isoformat()} writes), or seconds since the epoch.
 * </ul>
 *
 * <p>Stored documents are not read here: the den reads its own records leniently so that older and newer
 * dens share them.
 */
public final class MetadataCodec {
    /** Each accepted spelling of a document key, mapped to its field. */
    private static final Map<String, String> DOCUMENT = new LinkedHashMap<>();
    /** The keys of a den4j registry export record ({@link ModelInfo}). */
    private static final List<String> RECORD = List.of("name", "version", "digest", "description", "tags", "parent",
            "parentRef", "metadata", "created", "updated", "size", "fileCount");
    private static final Map<String, String> HARDWARE = new LinkedHashMap<>();
    private static final Map<String, String> IO = new LinkedHashMap<>();

    static {
        // field, camelCase spelling, snake_case spelling(s)
        key(DOCUMENT, "name", "name", "model_id", "modelId");
        key(DOCUMENT, "displayName", "displayName", "model_name", "display_name");
        key(DOCUMENT, "description", "description");
        key(DOCUMENT, "tags", "tags");
        key(DOCUMENT, "created", "created", "created_at");
        key(DOCUMENT, "updated", "updated", "updated_at");
        key(DOCUMENT, "modelType", "modelType", "model_type");
        key(DOCUMENT, "architecture", "architecture");
        key(DOCUMENT, "inputs", "inputs");
        key(DOCUMENT, "outputs", "outputs");
        key(DOCUMENT, "dataType", "data_type");
        key(DOCUMENT, "hfConfig", "hfConfig", "huggingface_config", "hf_config");
        key(DOCUMENT, "inferenceCode", "inferenceCode", "inference_code_location", "inference_code");
        key(DOCUMENT, "supportedBackends", "supportedBackends", "supported_backends");
        key(DOCUMENT, "hardware", "hardware", "hardware_requirements");
        key(DOCUMENT, "metrics", "metrics", "performance_metrics");
        key(DOCUMENT, "sourceUrl", "sourceUrl", "source_url");
        key(DOCUMENT, "license", "license");
        key(DOCUMENT, "extra", "extra");
        for (String field : List.of("minMemoryMb", "recommendedMemoryMb", "minGpuMemoryMb", "recommendedGpuMemoryMb")) {
            key(HARDWARE, field, field, snake(field));
            String gb = field.replace("Mb", "Gb");
            key(HARDWARE, gb, snake(gb));
        }
        for (String field : List.of("gpuRequired", "minCpuCores", "recommendedCpuCores", "supportsCpu", "supportsGpu",
                "notes")) {
            key(HARDWARE, field, field, snake(field));
        }
        key(IO, "name", "name");
        key(IO, "dataType", "dataType", "data_type");
        key(IO, "shape", "shape");
        key(IO, "dtype", "dtype");
        key(IO, "description", "description");
        key(IO, "optional", "optional");
    }

    private MetadataCodec() {
    }

    private static void key(Map<String, String> table, String field, String... spellings) {
        for (String s : spellings) {
            table.put(s, field);
        }
    }

    private static String snake(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }

    // ---------------------------------------------------------------- reading

    /**
     * Reads a metadata file: one object in either form, YAML when the name ends in {@code .yaml} or
     * {@code .yml}, JSON otherwise.
     *
     * @throws DenInputException naming the file when it is missing, unparsable, or holds a key of neither form
     */
    public static MetadataDocument read(Path file) {
        String where = "Metadata file " + file.toAbsolutePath();
        JsonNode root = parse(file, where, "pass a JSON or YAML object with keys such as modelType, inputs, metrics "
                + "(or model_type, data_type, performance_metrics)");
        return document(root, where);
    }

    /**
     * Reads a registry file: a list of records, an object {@code {"models": [...]}} or an object of records by
     * model id; each record in either form, or a den4j export record ({@code den export-registry}) with its
     * metadata nested. Every record names its model.
     *
     * @throws DenInputException naming the file and the record when any record is unreadable
     */
    public static List<MetadataDocument> readRegistry(Path file) {
        String where = "Registry file " + file.toAbsolutePath();
        JsonNode root = parse(file, where, "pass a file written by den export-registry or the Python model "
                + "manager's export");
        List<MetadataDocument> docs = new ArrayList<>();
        if (root.isObject() && root.has("models")) {
            if (root.size() != 1) {
                List<String> others = new ArrayList<>();
                root.fieldNames().forEachRemaining(n -> {
                    if (!n.equals("models")) {
                        others.add(n);
                    }
                });
                throw new DenInputException(where + ": unknown top-level key '" + others.get(0) + "' beside 'models'; "
                        + "a registry file holds only its models");
            }
            root = root.get("models");
        }
        if (root.isArray()) {
            for (int i = 0; i < root.size(); i++) {
                docs.add(named(document(root.get(i), where + ", record " + (i + 1)), null, where + ", record "
                        + (i + 1)));
            }
        } else if (root.isObject() && isRecord(root)) {
            docs.add(named(document(root, where), null, where));
        } else if (root.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                String at = where + ", record '" + e.getKey() + "'";
                docs.add(named(document(e.getValue(), at), e.getKey(), at));
            }
        } else {
            throw new DenInputException(where + " holds " + root.getNodeType().toString().toLowerCase(Locale.ROOT)
                    + ", not records; write a list of records or {\"models\": [...]}");
        }
        return docs;
    }

    private static boolean isRecord(JsonNode node) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext();) {
            String k = it.next();
            if (DOCUMENT.containsKey(k) || RECORD.contains(k)) {
                return true;
            }
        }
        return false;
    }

    private static MetadataDocument named(MetadataDocument doc, String key, String where) {
        if (key != null && doc.name() != null && !doc.name().equals(key)) {
            throw new DenInputException(where + " is filed under '" + key + "' but names model '" + doc.name()
                    + "'; make them agree");
        }
        if (doc.name() == null && key == null) {
            throw new DenInputException(where + " names no model; give it model_id (or name)");
        }
        return doc.name() == null ? doc.withName(check(key, where)) : doc;
    }

    private static String check(String name, String where) {
        try {
            org.den4j.den.ModelRef.checkName(name);
            return name;
        } catch (DenInputException e) {
            throw new DenInputException(where + ": " + e.getMessage(), e);
        }
    }

    private static JsonNode parse(Path file, String where, String fix) {
        if (!Files.isRegularFile(file)) {
            throw new DenInputException(where + " does not exist; " + fix);
        }
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        boolean yaml = n.endsWith(".yaml") || n.endsWith(".yml");
        ObjectMapper mapper = yaml ? Json.YAML : Json.MAPPER;
        JsonNode root;
        try {
            root = mapper.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw new DenInputException(where + " is not valid " + (yaml ? "YAML" : "JSON") + " ("
                    + e.getOriginalMessage() + "); " + fix, e);
        } catch (IOException e) {
            throw new DenInputException("Cannot read " + where.substring(0, 1).toLowerCase(Locale.ROOT)
                    + where.substring(1) + ": " + e, e);
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw new DenInputException(where + " is empty; " + fix);
        }
        return root;
    }

    /**
     * Reads one record in either form from a parsed tree.
     *
     * @param where names the file (and record) in messages, for example {@code Metadata file /x/m.json}
     * @throws DenInputException naming {@code where} and the key when a key is unknown or a value has the wrong form
     */
    public static MetadataDocument document(JsonNode node, String where) {
        if (node == null || !node.isObject()) {
            throw new DenInputException(where + " is not an object of metadata keys; write keys such as modelType "
                    + "or model_type");
        }
        try {
            return node.has("metadata") && node.get("metadata").isObject() ? record(node, where) : flat(node, where);
        } catch (DenInputException e) {
            throw e;
        } catch (DenException e) {
            // A record's own check (an IoSpec without a name, ...) says best what is wrong.
            throw new DenInputException(where + ": " + e.getMessage(), e);
        }
    }

    /** A den4j export record: {@link ModelInfo}'s keys with the metadata nested. */
    private static MetadataDocument record(JsonNode node, String where) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext();) {
            String k = it.next();
            if (!RECORD.contains(k)) {
                throw new DenInputException(where + ": unknown key '" + k + "' in a den4j registry record; its keys "
                        + "are " + String.join(", ", RECORD));
            }
        }
        MetadataDocument inner = flat(node.get("metadata"), where + ", metadata");
        if (inner.name() != null || inner.description() != null || inner.tags() != null || inner.created() != null) {
            throw new DenInputException(where + ": metadata holds record keys (name, description, tags, created); "
                    + "put them beside metadata, not in it");
        }
        String name = text(node, "name", where);
        return new MetadataDocument(name == null ? null : check(name, where), text(node, "digest", where),
                text(node, "description", where), strings(node.get("tags"), "tags", where),
                instant(node.get("created"), "created", where), instant(node.get("updated"), "updated", where),
                inner.metadata());
    }

    private static MetadataDocument flat(JsonNode node, String where) {
        Map<String, JsonNode> fields = fields(node, DOCUMENT, where, "use den4j's camelCase keys (modelType, "
                + "displayName, inputs, outputs, metrics, hardware, hfConfig, inferenceCode, supportedBackends, "
                + "sourceUrl, license, extra) or the Python model manager's snake_case keys (model_id, model_name, "
                + "model_type, data_type, performance_metrics, hardware_requirements, huggingface_config, "
                + "inference_code_location, supported_backends, source_url, created_at, updated_at)");
        ModelMetadata.Builder b = ModelMetadata.builder();
        b.displayName(text(fields, "displayName", where));
        b.modelType(text(fields, "modelType", where));
        b.architecture(text(fields, "architecture", where));
        b.inferenceCode(text(fields, "inferenceCode", where));
        b.sourceUrl(text(fields, "sourceUrl", where));
        b.license(text(fields, "license", where));
        if (fields.containsKey("dataType")) {
            if (fields.containsKey("inputs") || fields.containsKey("outputs")) {
                throw new DenInputException(where + ": data_type and inputs/outputs both describe the data; give one");
            }
            dataType(b, fields.get("dataType"), where);
        } else {
            b.inputs(ios(fields.get("inputs"), "inputs", where));
            b.outputs(ios(fields.get("outputs"), "outputs", where));
        }
        if (fields.containsKey("hfConfig")) {
            JsonNode config = fields.get("hfConfig");
            if (!config.isObject()) {
                throw new DenInputException(where + ": " + spelled(node, "hfConfig") + " must be an object (the "
                        + "model's config.json)");
            }
            b.hfConfig(Json.MAPPER.convertValue(config, new TypeReference<LinkedHashMap<String, Object>>() { }));
        }
        List<String> backends = strings(fields.get("supportedBackends"), spelled(node, "supportedBackends"), where);
        if (backends != null) {
            b.supportedBackends(backends);
        }
        if (fields.containsKey("hardware")) {
            b.hardware(hardware(fields.get("hardware"), where + ", " + spelled(node, "hardware")));
        }
        if (fields.containsKey("metrics")) {
            b.metrics(metrics(fields.get("metrics"), where + ", " + spelled(node, "metrics")));
        }
        if (fields.containsKey("extra")) {
            JsonNode extra = fields.get("extra");
            if (!extra.isObject()) {
                throw new DenInputException(where + ": extra must be an object of text values");
            }
            extra.fields().forEachRemaining(e -> {
                if (!e.getValue().isValueNode() || e.getValue().isNull()) {
                    throw new DenInputException(where + ": extra." + e.getKey() + " must be text");
                }
                b.extra(e.getKey(), e.getValue().asText());
            });
        }
        String name = text(fields, "name", where);
        if (name != null) {
            check(name, where);
        }
        return new MetadataDocument(name, null, text(fields, "description", where),
                strings(fields.get("tags"), "tags", where), instant(fields.get("created"), spelled(node, "created"),
                        where), instant(fields.get("updated"), spelled(node, "updated"), where), b.build());
    }

    /** The fields of an object by their canonical name; null values are left out as not given. */
    private static Map<String, JsonNode> fields(JsonNode node, Map<String, String> table, String where, String fix) {
        Map<String, JsonNode> fields = new LinkedHashMap<>();
        Map<String, String> spelledAs = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            String field = table.get(e.getKey());
            if (field == null) {
                throw new DenInputException(where + ": unknown key '" + e.getKey() + "'; " + fix);
            }
            String before = spelledAs.put(field, e.getKey());
            if (before != null) {
                throw new DenInputException(where + " gives both '" + before + "' and '" + e.getKey()
                        + "', which are the same key; keep one");
            }
            if (!e.getValue().isNull()) {
                fields.put(field, e.getValue());
            }
        }
        return fields;
    }

    /** How a document spells a field, for messages. */
    private static String spelled(JsonNode node, String field) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext();) {
            String k = it.next();
            if (field.equals(DOCUMENT.get(k))) {
                return k;
            }
        }
        return field;
    }

    private static void dataType(ModelMetadata.Builder b, JsonNode value, String where) {
        if (value.isTextual()) {
            DataType type = type(value.asText(), "data_type", where);
            b.inputs(List.of(IoSpec.of("input", type)));
            b.outputs(List.of(IoSpec.of("output", type)));
            return;
        }
        if (!value.isObject()) {
            throw new DenInputException(where + ": data_type must be a type such as text, or {\"input\": TYPE, "
                    + "\"output\": TYPE}");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getKey().equals("input") && !e.getKey().equals("output")) {
                throw new DenInputException(where + ": unknown key 'data_type." + e.getKey() + "'; data_type takes "
                        + "input and output");
            }
            List<String> types = strings(e.getValue(), "data_type." + e.getKey(), where);
            List<IoSpec> specs = new ArrayList<>();
            for (int i = 0; i < types.size(); i++) {
                String name = types.size() == 1 ? e.getKey() : e.getKey() + "_" + (i + 1);
                specs.add(IoSpec.of(name, type(types.get(i), "data_type." + e.getKey(), where)));
            }
            if (e.getKey().equals("input")) {
                b.inputs(specs);
            } else {
                b.outputs(specs);
            }
        }
    }

    private static DataType type(String raw, String key, String where) {
        try {
            return DataType.parse(raw);
        } catch (DenInputException e) {
            throw new DenInputException(where + ": " + key + ": " + e.getMessage(), e);
        }
    }

    private static List<IoSpec> ios(JsonNode value, String key, String where) {
        if (value == null) {
            return List.of();
        }
        if (!value.isArray()) {
            throw new DenInputException(where + ": " + key + " must be a list of {name, dataType, ...}");
        }
        List<IoSpec> specs = new ArrayList<>();
        for (int i = 0; i < value.size(); i++) {
            String at = where + ", " + key + "[" + i + "]";
            JsonNode item = value.get(i);
            if (!item.isObject()) {
                throw new DenInputException(at + " must be an object {name, dataType, ...}");
            }
            Map<String, JsonNode> f = fields(item, IO, at, "an input or output has name, dataType (data_type), shape, "
                    + "dtype, description, optional");
            String type = text(f, "dataType", at);
            List<Long> shape = new ArrayList<>();
            if (f.containsKey("shape")) {
                if (!f.get("shape").isArray()) {
                    throw new DenInputException(at + ": shape must be a list of numbers, -1 where it varies");
                }
                for (JsonNode d : f.get("shape")) {
                    if (!d.canConvertToLong()) {
                        throw new DenInputException(at + ": shape holds '" + d.asText() + "', not a whole number");
                    }
                    shape.add(d.asLong());
                }
            }
            try {
                specs.add(new IoSpec(text(f, "name", at), type == null ? null : type(type, "dataType", at), shape,
                        text(f, "dtype", at), text(f, "description", at),
                        bool(f.get("optional"), "optional", at, false)));
            } catch (DenInputException e) {
                throw e.getMessage().startsWith(at) ? e : new DenInputException(at + ": " + e.getMessage(), e);
            }
        }
        return specs;
    }

    private static HardwareRequirements hardware(JsonNode value, String where) {
        if (!value.isObject()) {
            throw new DenInputException(where + " must be an object such as {\"min_memory_mb\": 4096}");
        }
        Map<String, JsonNode> f = fields(value, HARDWARE, where, "hardware requirements take min_memory_mb, "
                + "recommended_memory_mb, gpu_required, min_gpu_memory_mb, recommended_gpu_memory_mb, min_cpu_cores, "
                + "recommended_cpu_cores, supports_cpu, supports_gpu, notes (or the camelCase names; memory also "
                + "in _gb)");
        return new HardwareRequirements(mib(f, "minMemory", where), mib(f, "recommendedMemory", where),
                bool(f.get("gpuRequired"), "gpu_required", where, false), mib(f, "minGpuMemory", where),
                mib(f, "recommendedGpuMemory", where), integer(f.get("minCpuCores"), "min_cpu_cores", where),
                integer(f.get("recommendedCpuCores"), "recommended_cpu_cores", where),
                f.containsKey("supportsCpu") ? bool(f.get("supportsCpu"), "supports_cpu", where, false) : null,
                f.containsKey("supportsGpu") ? bool(f.get("supportsGpu"), "supports_gpu", where, false) : null,
                text(f, "notes", where));
    }

    /** A memory figure in MiB, from {@code <field>Mb} or {@code <field>Gb} (1 GB = 1024 MiB). */
    private static Long mib(Map<String, JsonNode> f, String field, String where) {
        JsonNode mb = f.get(field + "Mb");
        JsonNode gb = f.get(field + "Gb");
        if (mb != null && gb != null) {
            throw new DenInputException(where + " gives " + snake(field) + " in both MB and GB; keep one");
        }
        if (mb != null) {
            if (!mb.isNumber() || mb.asDouble() < 0) {
                throw new DenInputException(where + ": " + snake(field + "Mb") + " must be a number of MiB, not '"
                        + mb.asText() + "'");
            }
            return mb.asLong();
        }
        if (gb != null) {
            if (!gb.isNumber() || gb.asDouble() < 0) {
                throw new DenInputException(where + ": " + snake(field + "Gb") + " must be a number of GB, not '"
                        + gb.asText() + "'");
            }
            return Math.round(gb.asDouble() * 1024);
        }
        return null;
    }

    private static Map<String, Double> metrics(JsonNode value, String where) {
        if (!value.isObject()) {
            throw new DenInputException(where + " must be an object of numbers, such as {\"f1\": 0.41}");
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        value.fields().forEachRemaining(e -> {
            if (!e.getValue().isNumber()) {
                throw new DenInputException(where + ": metric '" + e.getKey() + "' is " + e.getValue()
                        + ", not a number; metrics are numbers");
            }
            metrics.put(e.getKey(), e.getValue().asDouble());
        });
        return metrics;
    }

    private static String text(Map<String, JsonNode> fields, String field, String where) {
        JsonNode v = fields.get(field);
        if (v == null) {
            return null;
        }
        if (!v.isValueNode()) {
            throw new DenInputException(where + ": " + field + " must be text, not " + v);
        }
        return v.asText();
    }

    private static String text(JsonNode node, String field, String where) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : text(Map.of(field, v), field, where);
    }

    private static List<String> strings(JsonNode v, String key, String where) {
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isValueNode()) {
            return List.of(v.asText());
        }
        if (!v.isArray()) {
            throw new DenInputException(where + ": " + key + " must be a list of text");
        }
        List<String> list = new ArrayList<>();
        for (JsonNode item : v) {
            if (!item.isValueNode() || item.isNull()) {
                throw new DenInputException(where + ": " + key + " holds " + item + ", not text");
            }
            list.add(item.asText());
        }
        return list;
    }

    private static boolean bool(JsonNode v, String key, String where, boolean absent) {
        if (v == null) {
            return absent;
        }
        if (!v.isBoolean()) {
            throw new DenInputException(where + ": " + key + " must be true or false, not " + v);
        }
        return v.asBoolean();
    }

    private static Integer integer(JsonNode v, String key, String where) {
        if (v == null) {
            return null;
        }
        if (!v.canConvertToInt() || !v.isIntegralNumber()) {
            throw new DenInputException(where + ": " + key + " must be a whole number, not " + v);
        }
        return v.asInt();
    }

    private static Instant instant(JsonNode v, String key, String where) {
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isNumber()) {
            return Instant.ofEpochMilli(Math.round(v.asDouble() * 1000));
        }
        String text = v.asText().strip();
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException notInstant) {
            try {
                return OffsetDateTime.parse(text).toInstant();
            } catch (DateTimeParseException notOffset) {
                try {
                    return LocalDateTime.parse(text.replace(' ', 'T')).toInstant(ZoneOffset.UTC);
                } catch (DateTimeParseException e) {
                    throw new DenInputException(where + ": " + key + " is '" + text + "', not a time; write ISO-8601 "
                            + "such as 2024-05-01T12:00:00Z", e);
                }
            }
        }
    }

    // ---------------------------------------------------------------- writing

    /**
     * The Python model manager's form of a record: snake_case keys, {@code data_type} where it says everything
     * about the inputs and outputs (den4j's {@code inputs}/{@code outputs} otherwise), nulls and empty parts
     * left out. {@link #document} reads it back to an equal record.
     */
    public static ObjectNode toPython(MetadataDocument doc) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        ModelMetadata m = doc.metadata();
        put(o, "model_id", doc.name());
        put(o, "model_name", m.displayName());
        put(o, "description", doc.description());
        if (doc.tags() != null) {
            o.set("tags", Json.MAPPER.valueToTree(doc.tags()));
        }
        put(o, "model_type", m.modelType());
        put(o, "architecture", m.architecture());
        JsonNode dataType = dataTypeOf(m);
        if (dataType != null) {
            o.set("data_type", dataType);
        } else {
            if (!m.inputs().isEmpty()) {
                o.set("inputs", Json.MAPPER.valueToTree(m.inputs()));
            }
            if (!m.outputs().isEmpty()) {
                o.set("outputs", Json.MAPPER.valueToTree(m.outputs()));
            }
        }
        if (!m.metrics().isEmpty()) {
            o.set("performance_metrics", Json.MAPPER.valueToTree(m.metrics()));
        }
        if (!m.hardware().isEmpty()) {
            ObjectNode hw = o.putObject("hardware_requirements");
            HardwareRequirements h = m.hardware();
            put(hw, "min_memory_mb", h.minMemoryMb());
            put(hw, "recommended_memory_mb", h.recommendedMemoryMb());
            hw.put("gpu_required", h.gpuRequired());
            put(hw, "min_gpu_memory_mb", h.minGpuMemoryMb());
            put(hw, "recommended_gpu_memory_mb", h.recommendedGpuMemoryMb());
            put(hw, "min_cpu_cores", h.minCpuCores());
            put(hw, "recommended_cpu_cores", h.recommendedCpuCores());
            put(hw, "supports_cpu", h.supportsCpu());
            put(hw, "supports_gpu", h.supportsGpu());
            put(hw, "notes", h.notes());
        }
        if (!m.hfConfig().isEmpty()) {
            o.set("huggingface_config", Json.MAPPER.valueToTree(m.hfConfig()));
        }
        put(o, "inference_code_location", m.inferenceCode());
        if (!m.supportedBackends().isEmpty()) {
            o.set("supported_backends", Json.MAPPER.valueToTree(m.supportedBackends()));
        }
        put(o, "source_url", m.sourceUrl());
        put(o, "license", m.license());
        if (!m.extra().isEmpty()) {
            o.set("extra", Json.MAPPER.valueToTree(m.extra()));
        }
        put(o, "created_at", doc.created() == null ? null : doc.created().toString());
        put(o, "updated_at", doc.updated() == null ? null : doc.updated().toString());
        return o;
    }

    /** The Python form of a den's records, as a list. */
    public static ArrayNode toPython(List<ModelInfo> models) {
        ArrayNode array = Json.MAPPER.createArrayNode();
        for (ModelInfo m : models) {
            array.add(toPython(new MetadataDocument(m.name(), m.digest(), m.description(), m.tags(), m.created(),
                    m.updated(), m.metadata())));
        }
        return array;
    }

    /** {@code data_type} when the inputs and outputs are exactly what it reads back to; else null. */
    private static JsonNode dataTypeOf(ModelMetadata m) {
        if (m.inputs().isEmpty() && m.outputs().isEmpty()) {
            return null;
        }
        if (m.inputs().size() == 1 && m.outputs().size() == 1 && plain(m.inputs(), "input")
                && plain(m.outputs(), "output") && m.inputs().get(0).dataType() == m.outputs().get(0).dataType()) {
            return Json.MAPPER.getNodeFactory().textNode(m.inputs().get(0).dataType().name().toLowerCase(Locale.ROOT));
        }
        if (!plain(m.inputs(), "input") || !plain(m.outputs(), "output")) {
            return null;
        }
        ObjectNode o = Json.MAPPER.createObjectNode();
        for (String side : List.of("input", "output")) {
            List<IoSpec> specs = side.equals("input") ? m.inputs() : m.outputs();
            if (specs.size() == 1) {
                o.put(side, specs.get(0).dataType().name().toLowerCase(Locale.ROOT));
            } else if (specs.size() > 1) {
                ArrayNode types = o.putArray(side);
                specs.forEach(s -> types.add(s.dataType().name().toLowerCase(Locale.ROOT)));
            }
        }
        return o;
    }

    /** True when the specs are what {@code data_type} reads back to: named side or side_N, nothing else set. */
    private static boolean plain(List<IoSpec> specs, String side) {
        for (int i = 0; i < specs.size(); i++) {
            IoSpec s = specs.get(i);
            String name = specs.size() == 1 ? side : side + "_" + (i + 1);
            if (!s.equals(IoSpec.of(name, s.dataType()))) {
                return false;
            }
        }
        return true;
    }

    private static void put(ObjectNode o, String key, Object value) {
        if (value instanceof String s) {
            o.put(key, s);
        } else if (value instanceof Long l) {
            o.put(key, l);
        } else if (value instanceof Integer i) {
            o.put(key, i);
        } else if (value instanceof Boolean b) {
            o.put(key, b);
        }
    }
}
