package org.den4j.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.den4j.lm.internal.Scalars;
import org.den4j.lm.io.DType;
import org.den4j.lm.io.Qwen2Config;
import org.den4j.lm.io.Safetensors;
import org.den4j.lm.io.SafetensorsFile;
import org.den4j.lm.io.Tensor;
import org.den4j.lm.io.TensorInfo;

/**
 * A LoRA adapter over a {@link Qwen2Model}, stored as PEFT stores it.
 *
 * <p>Each targeted projection {@code W} of every layer gets {@code A} (r x in, initialised as PEFT
 * does: Kaiming-uniform with a = sqrt(5), that is uniform(-1/sqrt(in), 1/sqrt(in))) and {@code B}
 * (out x r, zero), and computes {@code W x + B A dropout(x) * alpha / r}. Adapter weights are
 * float32 whatever the model's precision. Files: {@code adapter_config.json} and
 * {@code adapter_model.safetensors} with keys such as
 * {@code base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight}, so Python PEFT loads
 * them and adapters trained there load here.
 *
 * <pre>
 * try (LoraAdapter adapter = LoraAdapter.create(model, new LoraConfig(8, 16, 0.05, List.of("q_proj", "v_proj")), 42)) {
 *     model.attachAdapter(adapter);
 *     ...                            // train
 *     adapter.save(outputDir);
 * }
 * </pre>
 *
 * <p>The caller closes it, which frees its weights; the model it was made for must stay open meanwhile.
 */
public final class LoraAdapter implements AutoCloseable {
    /** The config file of a PEFT adapter folder. */
    public static final String CONFIG_FILE = "adapter_config.json";
    /** The weights file of a PEFT adapter folder. */
    public static final String WEIGHTS_FILE = "adapter_model.safetensors";
    private static final String PREFIX = "base_model.model.";
    private static final Pattern KEY = Pattern.compile(
            "base_model\\.model\\.model\\.layers\\.(\\d+)\\.(self_attn|mlp)\\.(\\w+)\\.lora_([AB])(?:\\.default)?\\.weight");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final LoraConfig config;
    private final Qwen2Config base;
    private final NDManager manager;
    private final Map<String, NDArray> a;
    private final Map<String, NDArray> b;
    private final String baseModel;

    private LoraAdapter(LoraConfig config, Qwen2Config base, NDManager manager, Map<String, NDArray> a,
            Map<String, NDArray> b, String baseModel) {
        this.config = config;
        this.base = base;
        this.manager = manager;
        this.a = a;
        this.b = b;
        this.baseModel = baseModel;
    }

    /** The module path of a projection, e.g. {@code model.layers.3.mlp.up_proj}. */
    static String module(int layer, String projection) {
        String group = projection.endsWith("_proj") && (projection.startsWith("gate") || projection.startsWith("up")
                || projection.startsWith("down")) ? "mlp" : "self_attn";
        return "model.layers." + layer + "." + group + "." + projection;
    }

    /** (out, in) of a projection of {@code c}. */
    static long[] projectionShape(Qwen2Config c, String projection) {
        long h = c.hiddenSize();
        long q = (long) c.numAttentionHeads() * c.headDim();
        long kv = (long) c.numKeyValueHeads() * c.headDim();
        long im = c.intermediateSize();
        return switch (projection) {
            case "q_proj" -> new long[] {q, h};
            case "k_proj", "v_proj" -> new long[] {kv, h};
            case "o_proj" -> new long[] {h, q};
            case "gate_proj", "up_proj" -> new long[] {im, h};
            case "down_proj" -> new long[] {h, im};
            default -> throw new IllegalArgumentException("not a projection: " + projection);
        };
    }

    /**
     * A new adapter for {@code model}: A uniform(-1/sqrt(in), 1/sqrt(in)) from {@code seed}, B zero.
     * It is not attached; call {@link Qwen2Model#attachAdapter}.
     */
    public static LoraAdapter create(Qwen2Model model, LoraConfig config, long seed) {
        NDManager manager = model.manager().newSubManager();
        Map<String, NDArray> a = new LinkedHashMap<>();
        Map<String, NDArray> b = new LinkedHashMap<>();
        JniUtils.setSeed(seed);
        for (int layer = 0; layer < model.config().numHiddenLayers(); layer++) {
            for (String projection : Qwen2Model.PROJECTIONS) {
                if (!config.targetModules().contains(projection)) {
                    continue;
                }
                long[] shape = projectionShape(model.config(), projection);
                float bound = (float) (1.0 / Math.sqrt(shape[1]));
                String module = module(layer, projection);
                a.put(module, manager.randomUniform(-bound, bound, new Shape(config.r(), shape[1]), DataType.FLOAT32));
                b.put(module, manager.zeros(new Shape(shape[0], config.r()), DataType.FLOAT32));
            }
        }
        return new LoraAdapter(config, model.config(), manager, a, b, null);
    }

    /**
     * Loads a PEFT adapter folder for {@code model} (not attached).
     *
     * @throws ModelFileException when a file is missing or malformed, the adapter is not LoRA, it
     *     was made for another architecture (layers, projections or sizes differ) or its tensors
     *     disagree with its rank
     */
    public static LoraAdapter load(Path dir, Qwen2Model model) {
        Path configFile = dir.resolve(CONFIG_FILE);
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(configFile));
        } catch (NoSuchFileException e) {
            throw new ModelFileException(configFile, null, "Adapter config " + configFile + " does not exist; a "
                    + "PEFT adapter folder holds " + CONFIG_FILE + " and " + WEIGHTS_FILE, e);
        } catch (IOException e) {
            throw new ModelFileException(configFile, null, "Adapter config " + configFile + " is not valid JSON: "
                    + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new ModelFileException(configFile, null, "Adapter config " + configFile + " is not a JSON object");
        }
        String type = root.path("peft_type").asText("");
        if (!type.equalsIgnoreCase("LORA")) {
            throw new ModelFileException(configFile, "peft_type", "Adapter config " + configFile + " has peft_type \""
                    + type + "\"; den4j loads LoRA adapters (peft_type \"LORA\")");
        }
        for (String unsupported : List.of("use_dora", "use_rslora")) {
            if (root.path(unsupported).asBoolean(false)) {
                throw new ModelFileException(configFile, unsupported, "Adapter config " + configFile + " sets "
                        + unsupported + ": true, which den4j does not support; train a plain LoRA adapter");
            }
        }
        if (root.path("fan_in_fan_out").asBoolean(false)) {
            throw new ModelFileException(configFile, "fan_in_fan_out", "Adapter config " + configFile
                    + " sets fan_in_fan_out: true, which is for GPT-2 style Conv1D layers, not Qwen2");
        }
        if (!root.hasNonNull("r") || !root.get("r").canConvertToInt()) {
            throw new ModelFileException(configFile, "r", "Adapter config " + configFile + " lacks the rank \"r\"");
        }
        if (!root.hasNonNull("lora_alpha") || !root.get("lora_alpha").isNumber()) {
            throw new ModelFileException(configFile, "lora_alpha", "Adapter config " + configFile
                    + " lacks \"lora_alpha\"");
        }
        JsonNode targets = root.get("target_modules");
        if (targets == null || !targets.isArray()) {
            throw new ModelFileException(configFile, "target_modules", "Adapter config " + configFile
                    + " needs \"target_modules\" as a list of projection names (a regular expression is not supported)");
        }
        List<String> targetList = new ArrayList<>();
        targets.forEach(t -> targetList.add(t.asText()));
        LoraConfig config;
        try {
            config = new LoraConfig(root.get("r").asInt(), root.get("lora_alpha").asDouble(),
                    root.path("lora_dropout").asDouble(0.0), targetList);
        } catch (IllegalArgumentException e) {
            throw new ModelFileException(configFile, null, "Adapter config " + configFile + ": " + e.getMessage(), e);
        }
        String baseModel = root.hasNonNull("base_model_name_or_path") ? root.get("base_model_name_or_path").asText()
                : null;
        Path weightsFile = dir.resolve(WEIGHTS_FILE);
        Qwen2Config c = model.config();
        NDManager manager = model.manager().newSubManager();
        Map<String, NDArray> a = new LinkedHashMap<>();
        Map<String, NDArray> b = new LinkedHashMap<>();
        try (SafetensorsFile file = SafetensorsFile.open(weightsFile)) {
            Set<String> seen = new LinkedHashSet<>();
            for (TensorInfo t : file.tensors().values()) {
                Matcher m = KEY.matcher(t.name());
                if (!m.matches()) {
                    throw new ModelFileException(weightsFile, t.name(), "Adapter weights " + weightsFile + " hold '"
                            + t.name() + "', which is not a LoRA weight of a Qwen2 projection (expected names like "
                            + "base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight); the adapter was made "
                            + "for another architecture");
                }
                int layer = Integer.parseInt(m.group(1));
                String projection = m.group(3);
                if (layer >= c.numHiddenLayers() || !Qwen2Model.PROJECTIONS.contains(projection)
                        || !module(layer, projection).equals("model.layers." + layer + "." + m.group(2) + "."
                        + projection)) {
                    throw new ModelFileException(weightsFile, t.name(), "Adapter weights " + weightsFile + " hold '"
                            + t.name() + "' but the model has " + c.numHiddenLayers() + " layers with projections "
                            + Qwen2Model.PROJECTIONS + "; the adapter was made for another architecture");
                }
                if (!config.targetModules().contains(projection)) {
                    throw new ModelFileException(weightsFile, t.name(), "Adapter weights " + weightsFile + " hold '"
                            + t.name() + "' but " + CONFIG_FILE + " targets only " + config.targetModules());
                }
                long[] proj = projectionShape(c, projection);
                boolean isA = m.group(4).equals("A");
                long[] expected = isA ? new long[] {config.r(), proj[1]} : new long[] {proj[0], config.r()};
                if (!Arrays.equals(t.shape(), expected)) {
                    long[] shape = t.shape();
                    boolean rankDiffers = shape.length == 2 && (isA ? shape[1] == proj[1] && shape[0] != config.r()
                            : shape[0] == proj[0] && shape[1] != config.r());
                    throw new ModelFileException(weightsFile, t.name(), "Adapter tensor '" + t.name() + "' in "
                            + weightsFile + " has shape " + Arrays.toString(shape) + " but " + Arrays.toString(expected)
                            + " is expected" + (rankDiffers ? ": its rank differs from r=" + config.r() + " in "
                            + CONFIG_FILE : " for this model (hidden " + c.hiddenSize() + ", intermediate "
                            + c.intermediateSize() + "): the adapter was made for another architecture"));
                }
                String module = module(layer, projection);
                float[] values = file.floats(t.name());
                NDArray array = manager.create(values, new Shape(expected));
                (isA ? a : b).put(module, array);
                seen.add(module);
            }
            for (int layer = 0; layer < c.numHiddenLayers(); layer++) {
                for (String projection : config.targetModules()) {
                    String module = module(layer, projection);
                    if (!a.containsKey(module) || !b.containsKey(module)) {
                        String missing = PREFIX + module + (a.containsKey(module) ? ".lora_B.weight" : ".lora_A.weight");
                        throw new ModelFileException(weightsFile, missing, "Adapter weights " + weightsFile
                                + " lack '" + missing + "', which " + CONFIG_FILE + " (target_modules "
                                + config.targetModules() + ") and the model's " + c.numHiddenLayers()
                                + " layers call for; the adapter was made for another architecture or is incomplete");
                    }
                }
            }
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
        return new LoraAdapter(config, c, manager, sorted(a), sorted(b), baseModel);
    }

    private static Map<String, NDArray> sorted(Map<String, NDArray> in) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        List<String> keys = new ArrayList<>(in.keySet());
        keys.sort((x, y) -> {
            int lx = Integer.parseInt(x.split("\\.")[2]);
            int ly = Integer.parseInt(y.split("\\.")[2]);
            if (lx != ly) {
                return Integer.compare(lx, ly);
            }
            return Integer.compare(Qwen2Model.PROJECTIONS.indexOf(x.substring(x.lastIndexOf('.') + 1)),
                    Qwen2Model.PROJECTIONS.indexOf(y.substring(y.lastIndexOf('.') + 1)));
        });
        for (String k : keys) {
            out.put(k, in.get(k));
        }
        return out;
    }

    /** The adapter's shape. */
    public LoraConfig config() {
        return config;
    }

    /** The module paths that carry an adapter, e.g. {@code model.layers.0.self_attn.q_proj}. */
    public List<String> modules() {
        return List.copyOf(a.keySet());
    }

    /** Whether {@code module} carries an adapter. */
    public boolean targets(String module) {
        return a.containsKey(module);
    }

    /**
     * The trainable weights by PEFT name ({@code base_model.model.<module>.lora_A.weight} and {@code lora_B}).
     */
    public Map<String, NDArray> parameters() {
        Map<String, NDArray> p = new LinkedHashMap<>();
        for (String module : a.keySet()) {
            p.put(PREFIX + module + ".lora_A.weight", a.get(module));
            p.put(PREFIX + module + ".lora_B.weight", b.get(module));
        }
        return Collections.unmodifiableMap(p);
    }

    /** {@code B A dropout(x) * alpha / r} in float32. */
    NDArray apply(String module, NDArray x, boolean training) {
        NDArray in = x.toType(DataType.FLOAT32, false);
        if (training && config.dropout() > 0) {
            NDArray keep = in.getManager().randomUniform(0f, 1f, in.getShape(), DataType.FLOAT32)
                    .toDevice(in.getDevice(), false).gte(config.dropout()).toType(DataType.FLOAT32, false);
            in = Scalars.div(in.mul(keep), 1 - config.dropout());
        }
        NDArray down = Linear.linear(in, a.get(module)).singletonOrThrow();
        return Scalars.mul(Linear.linear(down, b.get(module)).singletonOrThrow(), config.scaling());
    }

    /** {@code B A * alpha / r} in float32, shaped as the projection's weight. */
    NDArray delta(String module) {
        return b.get(module).matMul(a.get(module)).mul(config.scaling());
    }

    /** @throws LmException when this adapter was made for a model of another shape */
    void checkFits(Qwen2Model model) {
        Qwen2Config c = model.config();
        if (c.hiddenSize() != base.hiddenSize() || c.intermediateSize() != base.intermediateSize()
                || c.numHiddenLayers() != base.numHiddenLayers() || c.numAttentionHeads() != base.numAttentionHeads()
                || c.numKeyValueHeads() != base.numKeyValueHeads()) {
            throw new LmInputException("This LoRA adapter was made for a model with hidden_size " + base.hiddenSize()
                    + ", " + base.numHiddenLayers() + " layers; the model has hidden_size " + c.hiddenSize() + ", "
                    + c.numHiddenLayers() + " layers");
        }
    }

    /**
     * Writes {@code adapter_model.safetensors} (float32) and {@code adapter_config.json} into {@code dir},
     * each atomically, the config last.
     *
     * @param baseModelNameOrPath recorded as {@code base_model_name_or_path} (may be null)
     */
    public void save(Path dir, String baseModelNameOrPath) {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : parameters().entrySet()) {
            NDArray w = e.getValue();
            float[] values = w.toDevice(ai.djl.Device.cpu(), false).toFloatArray();
            tensors.put(e.getKey(), Tensor.ofFloats(DType.F32, w.getShape().getShape(), values));
        }
        Safetensors.write(dir.resolve(WEIGHTS_FILE), tensors, Map.of("format", "pt"));
        ObjectNode root = JSON.createObjectNode();
        root.putObject("alpha_pattern");
        root.putNull("auto_mapping");
        String name = baseModelNameOrPath != null ? baseModelNameOrPath : baseModel;
        if (name == null) {
            root.putNull("base_model_name_or_path");
        } else {
            root.put("base_model_name_or_path", name);
        }
        root.put("bias", "none");
        root.put("fan_in_fan_out", false);
        root.put("inference_mode", true);
        root.put("init_lora_weights", true);
        root.putNull("layers_pattern");
        root.putNull("layers_to_transform");
        if (config.alpha() == Math.rint(config.alpha())) {
            root.put("lora_alpha", (long) config.alpha());
        } else {
            root.put("lora_alpha", config.alpha());
        }
        root.put("lora_dropout", config.dropout());
        root.putNull("modules_to_save");
        root.put("peft_type", "LORA");
        root.put("r", config.r());
        root.putObject("rank_pattern");
        root.putNull("revision");
        List<String> targets = new ArrayList<>(config.targetModules());
        Collections.sort(targets);
        var array = root.putArray("target_modules");
        targets.forEach(array::add);
        root.put("task_type", "CAUSAL_LM");
        root.put("use_dora", false);
        root.put("use_rslora", false);
        Path file = dir.resolve(CONFIG_FILE);
        try {
            Path tmp = Files.createTempFile(dir, "." + CONFIG_FILE, ".tmp");
            Files.writeString(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n");
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new ModelFileException(file, null, "Cannot write " + file + ": " + e, e);
        }
    }

    /** Writes the adapter with the base model it was loaded with, if any (see {@link #save(Path, String)}). */
    public void save(Path dir) {
        save(dir, null);
    }

    @Override
    public void close() {
        manager.close();
    }
}
