package org.den4j.lm;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.den4j.lm.io.DType;
import org.den4j.lm.io.Qwen2Config;
import org.den4j.lm.io.Safetensors;
import org.den4j.lm.io.SafetensorsFolder;
import org.den4j.lm.io.Tensor;
import org.den4j.lm.io.TensorInfo;
import org.den4j.lm.internal.Weights;

/**
 * A Qwen2-architecture causal language model on DJL/PyTorch, computed as Hugging Face
 * Transformers' {@code Qwen2ForCausalLM} does.
 *
 * <p>RMSNorm in float32, rotary embeddings in the half-split form with {@code rope_theta},
 * grouped-query attention with biases on q/k/v only, softmax in float32, a SwiGLU MLP, a causal
 * mask, and a tied or separate LM head. Weights are named as in Hugging Face checkpoints
 * ({@code model.layers.0.self_attn.q_proj.weight}, ...).
 *
 * <pre>
 * try (Qwen2Model model = Qwen2Model.load(dir, Devices.resolve("auto"), DataType.FLOAT32);
 *      NDManager manager = model.manager().newSubManager()) {
 *     NDArray ids = manager.create(new long[][] {{1, 2, 3}});
 *     NDArray logits = model.forward(ids);   // (1, 3, vocab) float32
 * }
 * </pre>
 *
 * <p>The caller closes the model, which frees its weights. Arrays a method returns belong to the
 * caller, who closes them (or opens an {@link NDScope} around the call). An attached
 * {@link LoraAdapter} adds its low-rank update to the targeted projections.
 */
public final class Qwen2Model implements AutoCloseable {
    /** Projections that LoRA may target, as PEFT names them. */
    public static final List<String> PROJECTIONS = List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj",
            "up_proj", "down_proj");
    private static final float MASKED = -1e30f;
    private static final long CHUNK_ELEMENTS = 1L << 20;

    private final Qwen2Config config;
    private final NDManager manager;
    private final DataType dataType;
    private final Map<String, NDArray> weights;
    private final NDArray invFreq;
    private final NDArray rotateHalf;
    private LoraAdapter adapter;
    private boolean training;

    private Qwen2Model(Qwen2Config config, NDManager manager, DataType dataType, Map<String, NDArray> weights) {
        this.config = config;
        this.manager = manager;
        this.dataType = dataType;
        this.weights = weights;
        int half = config.headDim() / 2;
        float[] freq = new float[half];
        for (int i = 0; i < half; i++) {
            // as Transformers: 1 / theta^(2i/d), computed in float32
            freq[i] = (float) (1.0 / Math.pow(config.ropeTheta(), (float) (2 * i) / (float) config.headDim()));
        }
        this.invFreq = manager.create(freq);
        // rotate_half(x) = cat(-x2, x1) as one matrix product: exact, and one operation instead of four
        int d = config.headDim();
        float[] r = new float[d * d];
        for (int j = 0; j < half; j++) {
            r[(j + half) * d + j] = -1;
            r[j * d + j + half] = 1;
        }
        NDArray rotation = manager.create(r, new Shape(d, d));
        this.rotateHalf = rotation.toType(dataType, false);
    }

    /**
     * Shapes of every weight the config calls for, in checkpoint order.
     */
    public static Map<String, long[]> weightShapes(Qwen2Config c) {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        long h = c.hiddenSize();
        long q = (long) c.numAttentionHeads() * c.headDim();
        long kv = (long) c.numKeyValueHeads() * c.headDim();
        long im = c.intermediateSize();
        shapes.put("model.embed_tokens.weight", new long[] {c.vocabSize(), h});
        for (int i = 0; i < c.numHiddenLayers(); i++) {
            String p = "model.layers." + i + ".";
            shapes.put(p + "input_layernorm.weight", new long[] {h});
            shapes.put(p + "self_attn.q_proj.weight", new long[] {q, h});
            shapes.put(p + "self_attn.q_proj.bias", new long[] {q});
            shapes.put(p + "self_attn.k_proj.weight", new long[] {kv, h});
            shapes.put(p + "self_attn.k_proj.bias", new long[] {kv});
            shapes.put(p + "self_attn.v_proj.weight", new long[] {kv, h});
            shapes.put(p + "self_attn.v_proj.bias", new long[] {kv});
            shapes.put(p + "self_attn.o_proj.weight", new long[] {h, q});
            shapes.put(p + "post_attention_layernorm.weight", new long[] {h});
            shapes.put(p + "mlp.gate_proj.weight", new long[] {im, h});
            shapes.put(p + "mlp.up_proj.weight", new long[] {im, h});
            shapes.put(p + "mlp.down_proj.weight", new long[] {h, im});
        }
        shapes.put("model.norm.weight", new long[] {h});
        if (!c.tieWordEmbeddings()) {
            shapes.put("lm_head.weight", new long[] {c.vocabSize(), h});
        }
        return shapes;
    }

    /** Loads the model in {@code dir} on the automatic device and precision (see {@link Devices}). */
    public static Qwen2Model load(Path dir) {
        Device device = Devices.resolve("auto");
        return load(dir, device, Devices.precision("auto", device));
    }

    /**
     * Loads {@code config.json} and the safetensors weights (single or sharded) of {@code dir},
     * converting BF16/F16/F32 to {@code dataType} in bounded chunks.
     *
     * @param dataType {@link DataType#FLOAT32} or {@link DataType#FLOAT16}
     * @throws ModelFileException when the config is bad, a weight is missing or has the wrong shape
     */
    public static Qwen2Model load(Path dir, Device device, DataType dataType) {
        checkDataType(dataType);
        Qwen2Config config = Qwen2Config.read(dir);
        NDManager manager = NDManager.newBaseManager(device);
        try (SafetensorsFolder folder = SafetensorsFolder.open(dir)) {
            Map<String, NDArray> weights = new LinkedHashMap<>();
            Weights reader = new Weights(CHUNK_ELEMENTS);
            for (Map.Entry<String, long[]> e : weightShapes(config).entrySet()) {
                String name = e.getKey();
                if (!folder.contains(name)) {
                    throw new ModelFileException(dir, name, "The weights in " + dir + " lack tensor '" + name
                            + "', which config.json (" + config.numHiddenLayers() + " layers, tie_word_embeddings="
                            + config.tieWordEmbeddings() + ") calls for; the weights belong to another model or are"
                            + " incomplete");
                }
                TensorInfo info = folder.tensor(name);
                if (!Arrays.equals(info.shape(), e.getValue())) {
                    throw new ModelFileException(dir, name, "Tensor '" + name + "' in " + dir + " has shape "
                            + Arrays.toString(info.shape()) + " but config.json calls for "
                            + Arrays.toString(e.getValue()) + "; config.json and the weights disagree");
                }
                if (!info.dtype().isFloatingPoint()) {
                    throw new ModelFileException(dir, name, "Tensor '" + name + "' in " + dir + " is "
                            + info.dtype() + "; model weights must be F32, F16 or BF16");
                }
                weights.put(name, reader.read(folder, name, manager, dataType));
            }
            return new Qwen2Model(config, manager, dataType, weights);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /**
     * A model with fresh weights as Transformers initialises them: normal(0, 0.02) for
     * embeddings and projections, zero biases, unit norms.
     */
    public static Qwen2Model randomInit(Qwen2Config config, long seed, Device device, DataType dataType) {
        checkDataType(dataType);
        NDManager manager = NDManager.newBaseManager(device);
        try {
            JniUtils.setSeed(seed);
            Map<String, NDArray> weights = new LinkedHashMap<>();
            for (Map.Entry<String, long[]> e : weightShapes(config).entrySet()) {
                String name = e.getKey();
                Shape shape = new Shape(e.getValue());
                NDArray w;
                if (name.endsWith("norm.weight")) {
                    w = manager.ones(shape, dataType);
                } else if (name.endsWith(".bias")) {
                    w = manager.zeros(shape, dataType);
                } else {
                    NDArray f = manager.randomNormal(0f, 0.02f, shape, DataType.FLOAT32);
                    w = f.toType(dataType, false);
                    if (w != f) {
                        f.close();
                    }
                }
                w.setName(name);
                weights.put(name, w);
            }
            return new Qwen2Model(config, manager, dataType, weights);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    private static void checkDataType(DataType dataType) {
        if (dataType != DataType.FLOAT32 && dataType != DataType.FLOAT16) {
            throw new DeviceNotAvailableException(String.valueOf(dataType), "Compute precision " + dataType
                    + " is not supported; use FLOAT32 or FLOAT16 (see Devices.precision)");
        }
    }

    /** The architecture. */
    public Qwen2Config config() {
        return config;
    }

    /** The manager that owns the weights; make sub-managers of it for inputs. */
    public NDManager manager() {
        return manager;
    }

    /** The device the weights live on. */
    public Device device() {
        return manager.getDevice();
    }

    /** The compute precision. */
    public DataType dataType() {
        return dataType;
    }

    /** The weights by Hugging Face name (live arrays: changing them changes the model). */
    public Map<String, NDArray> weights() {
        return Collections.unmodifiableMap(weights);
    }

    /**
     * The weight called {@code name}.
     *
     * @throws LmException when there is none
     */
    public NDArray weight(String name) {
        NDArray w = weights.get(name);
        if (w == null) {
            throw new LmException("The model has no weight '" + name + "'");
        }
        return w;
    }

    /** Total number of weight elements. */
    public long parameterCount() {
        long n = 0;
        for (NDArray w : weights.values()) {
            n += w.size();
        }
        return n;
    }

    /** The attached adapter, or null. */
    public LoraAdapter adapter() {
        return adapter;
    }

    /**
     * Attaches {@code adapter}: its update is added in every forward pass until {@link #detachAdapter}.
     *
     * @throws LmException when the adapter was made for another architecture
     */
    public void attachAdapter(LoraAdapter adapter) {
        adapter.checkFits(this);
        this.adapter = adapter;
    }

    /** Detaches the adapter (it is not closed) and returns it, or null. */
    public LoraAdapter detachAdapter() {
        LoraAdapter a = adapter;
        adapter = null;
        return a;
    }

    /**
     * Folds the attached adapter into the weights ({@code W += B A * alpha/r}) and detaches it.
     *
     * @throws LmException when no adapter is attached
     */
    public void mergeAdapter() {
        if (adapter == null) {
            throw new LmException("No adapter is attached to merge; attach one with attachAdapter");
        }
        LoraAdapter a = adapter;
        boolean grad = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try (NDScope scope = new NDScope()) {
            for (String module : a.modules()) {
                NDArray w = weight(module + ".weight");
                NDArray delta = a.delta(module).toType(dataType, false);
                w.addi(delta);
            }
        } finally {
            JniUtils.setGradMode(grad);
        }
        adapter = null;
    }

    /** Whether dropout (of an attached adapter) is active. */
    public boolean isTraining() {
        return training;
    }

    /** Turns training behaviour (adapter dropout) on or off. */
    public void setTraining(boolean training) {
        this.training = training;
    }

    /**
     * Logits for every position of unpadded sequences, without a cache.
     *
     * @param inputIds token ids, (batch, length), any integer type
     * @return logits (batch, length, vocab) in float32, owned by the caller
     */
    public NDArray forward(NDArray inputIds) {
        long[] shape = inputIds.getShape().getShape();
        long[][] mask = new long[(int) shape[0]][(int) shape[1]];
        for (long[] row : mask) {
            Arrays.fill(row, 1);
        }
        return forward(inputIds, mask, null, false);
    }

    /**
     * Logits for new tokens, with padding and an optional cache.
     *
     * @param inputIds new token ids, (batch, length)
     * @param paddingMask 1 for a real token, 0 for padding, over the cached and the new tokens
     *     (batch, cached + length); left padding keeps positions right
     * @param cache keys and values of earlier tokens, extended by this call; null for none
     * @param lastOnly return only the last position's logits, (batch, 1, vocab)
     * @return logits in float32, owned by the caller
     */
    public NDArray forward(NDArray inputIds, long[][] paddingMask, KvCache cache, boolean lastOnly) {
        return run(inputIds, paddingMask, cache, lastOnly, true);
    }

    /**
     * The last layer's hidden states, after the final norm, of right- or left-padded sequences: what a
     * classification head (such as label-wise attention over the tokens) reads instead of the logits.
     *
     * @param inputIds token ids, (batch, length)
     * @param paddingMask 1 for a real token, 0 for padding, (batch, length)
     * @return hidden states (batch, length, hidden_size) in float32, owned by the caller; gradients flow back to
     *     an attached adapter when they are being recorded
     */
    public NDArray hiddenStates(NDArray inputIds, long[][] paddingMask) {
        return run(inputIds, paddingMask, null, false, false);
    }

    private NDArray run(NDArray inputIds, long[][] paddingMask, KvCache cache, boolean lastOnly, boolean logits) {
        int batch = (int) inputIds.getShape().get(0);
        int length = (int) inputIds.getShape().get(1);
        int past = cache == null ? 0 : cache.length();
        int total = past + length;
        if (paddingMask.length != batch || paddingMask[0].length != total) {
            throw new IllegalArgumentException("paddingMask must be " + batch + " x " + total + " (cached "
                    + past + " + new " + length + "), got " + paddingMask.length + " x " + paddingMask[0].length);
        }
        NDArray result;
        List<NDArray> newCache = new ArrayList<>();
        try (NDScope scope = new NDScope()) {
            NDManager m = inputIds.getManager();
            long[] positions = new long[batch * length];
            float[] bias = new float[batch * length * total];
            for (int b = 0; b < batch; b++) {
                int seen = 0;
                int[] pos = new int[total];
                for (int j = 0; j < total; j++) {
                    if (paddingMask[b][j] != 0) {
                        seen++;
                    }
                    // Transformers' generate: cumsum(mask) - 1, and 1 on padding
                    pos[j] = paddingMask[b][j] != 0 ? seen - 1 : 1;
                }
                for (int t = 0; t < length; t++) {
                    int query = past + t;
                    positions[b * length + t] = pos[query];
                    int base = (b * length + t) * total;
                    for (int j = 0; j < total; j++) {
                        bias[base + j] = j <= query && paddingMask[b][j] != 0 ? 0f : MASKED;
                    }
                }
            }
            NDArray posArray = m.create(positions, new Shape(batch, length)).toDevice(device(), false);
            NDArray biasArray = m.create(bias, new Shape(batch, 1, 1, length, total)).toDevice(device(), false);
            NDArray ids = inputIds.toType(DataType.INT64, false).toDevice(device(), false);
            NDArray x = JniUtils.embedding((PtNDArray) ids, (PtNDArray) weight("model.embed_tokens.weight"), false);
            NDArray[] rope = rope(posArray);
            NDArray scale = m.full(new Shape(), (float) (1.0 / Math.sqrt(config.headDim())), dataType)
                    .toDevice(device(), false);
            for (int i = 0; i < config.numHiddenLayers(); i++) {
                x = layer(i, x, rope[0], rope[1], scale, biasArray, cache, newCache);
            }
            if (lastOnly) {
                x = x.get(new NDIndex(":, -1:, :"));
            }
            x = rmsNorm(x, weight("model.norm.weight"));
            if (logits) {
                NDArray head = config.tieWordEmbeddings() ? weight("model.embed_tokens.weight")
                        : weight("lm_head.weight");
                x = Linear.linear(x, head).singletonOrThrow();
            }
            result = x.toType(DataType.FLOAT32, false);
            NDScope.unregister(result);
            for (NDArray c : newCache) {
                NDScope.unregister(c);
            }
        }
        NDScope.register(result);
        if (cache != null) {
            cache.update(newCache, paddingMask, length);
        }
        return result;
    }

    /** cos and sin, (batch, 1, length, headDim), in the compute precision. */
    NDArray[] rope(NDArray positions) {
        NDArray freqs = positions.toType(DataType.FLOAT32, false).expandDims(-1)
                .mul(invFreq.toDevice(device(), false).reshape(1, 1, -1));
        NDArray emb = freqs.concat(freqs, -1).expandDims(1);
        return new NDArray[] {emb.cos().toType(dataType, false), emb.sin().toType(dataType, false)};
    }

    /** Applies the rotary embedding, half-split form: x*cos + rotate_half(x)*sin, x (batch, heads, length, headDim). */
    NDArray applyRope(NDArray x, NDArray cos, NDArray sin) {
        return x.mul(cos).add(x.matMul(rotateHalf).mul(sin));
    }

    /** RMSNorm as Transformers: in float32, then cast back and scaled by the weight. */
    static NDArray rmsNorm(NDArray x, NDArray weight, double eps) {
        DataType type = x.getDataType();
        NDArray f = x.toType(DataType.FLOAT32, false);
        NDArray variance = f.square().mean(new int[] {-1}, true);
        NDArray normed = f.div(variance.add(eps).sqrt());
        return weight.mul(normed.toType(type, false));
    }

    private NDArray rmsNorm(NDArray x, NDArray weight) {
        return rmsNorm(x, weight, config.rmsNormEps());
    }

    private NDArray layer(int i, NDArray x, NDArray cos, NDArray sin, NDArray scale, NDArray bias, KvCache cache,
            List<NDArray> newCache) {
        String p = "model.layers." + i + ".";
        long batch = x.getShape().get(0);
        long length = x.getShape().get(1);
        int heads = config.numAttentionHeads();
        int kvHeads = config.numKeyValueHeads();
        int d = config.headDim();
        NDArray h = rmsNorm(x, weight(p + "input_layernorm.weight"));
        NDArray q = project(h, p + "self_attn.q_proj", true).reshape(batch, length, heads, d).transpose(0, 2, 1, 3);
        NDArray k = project(h, p + "self_attn.k_proj", true).reshape(batch, length, kvHeads, d).transpose(0, 2, 1, 3);
        NDArray v = project(h, p + "self_attn.v_proj", true).reshape(batch, length, kvHeads, d).transpose(0, 2, 1, 3);
        // queries and keys rotated together: fewer (JNI-bound) operations per layer
        NDList rotated = applyRope(q.concat(k, 1), cos, sin).split(new long[] {heads}, 1);
        q = rotated.get(0);
        k = rotated.get(1);
        if (cache != null) {
            if (cache.length() > 0) {
                k = cache.key(i).concat(k, 2);
                v = cache.value(i).concat(v, 2);
            }
            newCache.add(k);
            newCache.add(v);
        }
        // Grouped-query attention without copying keys and values per query head: query head h uses
        // key/value head h / groups (Transformers' repeat_kv), so view queries as (kv head, group).
        int groups = heads / kvHeads;
        NDArray q5 = q.reshape(batch, kvHeads, groups, length, d);
        NDArray k5 = k.expandDims(2);
        NDArray v5 = v.expandDims(2);
        NDArray scores = q5.matMul(k5.transpose(0, 1, 2, 4, 3)).mul(scale);
        NDArray weightsF32 = JniUtils.softmax((PtNDArray) scores.toType(DataType.FLOAT32, false).add(bias), -1,
                DataType.FLOAT32);
        NDArray attn = weightsF32.toType(dataType, false).matMul(v5).reshape(batch, heads, length, d)
                .transpose(0, 2, 1, 3).reshape(batch, length, (long) heads * d);
        x = x.add(project(attn, p + "self_attn.o_proj", false));
        NDArray h2 = rmsNorm(x, weight(p + "post_attention_layernorm.weight"));
        NDArray gate = project(h2, p + "mlp.gate_proj", false);
        NDArray up = project(h2, p + "mlp.up_proj", false);
        NDArray act = gate.mul(Activation.sigmoid(gate)).mul(up);
        return x.add(project(act, p + "mlp.down_proj", false));
    }

    private NDArray project(NDArray x, String module, boolean bias) {
        NDArray y = bias ? Linear.linear(x, weight(module + ".weight"), weight(module + ".bias")).singletonOrThrow()
                : Linear.linear(x, weight(module + ".weight")).singletonOrThrow();
        if (adapter != null && adapter.targets(module)) {
            y = y.add(adapter.apply(module, x, training).toType(y.getDataType(), false));
        }
        return y;
    }

    /** A new empty cache for generation; the caller closes it. */
    public KvCache newCache() {
        return new KvCache(manager.newSubManager());
    }

    /**
     * Writes {@code config.json} and {@code model.safetensors} (sharded above {@code maxShardBytes})
     * into {@code dir}, weights stored as {@code fileType}; an attached adapter is not included.
     *
     * @param fileType F32, F16 or BF16
     */
    public void save(Path dir, DType fileType, long maxShardBytes) {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : weights.entrySet()) {
            NDArray w = e.getValue();
            float[] values = w.toType(DataType.FLOAT32, false).toDevice(Device.cpu(), false).toFloatArray();
            tensors.put(e.getKey(), Tensor.ofFloats(fileType, w.getShape().getShape(), values));
        }
        String torchDtype = switch (fileType) {
            case BF16 -> "bfloat16";
            case F16 -> "float16";
            default -> "float32";
        };
        Safetensors.writeModel(dir, tensors, Map.of("format", "pt"), maxShardBytes);
        config.withTorchDtype(torchDtype).write(dir.resolve(Qwen2Config.FILE));
    }

    /** Writes the model as one F32 {@code model.safetensors} plus {@code config.json} (see {@link #save(Path, DType, long)}). */
    public void save(Path dir) {
        save(dir, DType.F32, Long.MAX_VALUE);
    }

    @Override
    public void close() {
        manager.close();
    }
}
