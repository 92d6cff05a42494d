package org.den4j.coder.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv1d;
import ai.djl.nn.norm.Dropout;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.den4j.coder.CoderException;
import org.den4j.lm.io.DType;
import org.den4j.lm.io.Safetensors;
import org.den4j.lm.io.SafetensorsFile;
import org.den4j.lm.io.Tensor;
import org.den4j.lm.io.TensorInfo;

/**
 * Label-wise attention over token states (LAAT, Vu et al. 2020; PLM-ICD, Huang et al. 2022): a convolution
 * over the backbone's hidden states gives each token a context vector {@code c_t = tanh(conv(H))_t}; every label
 * {@code l} has an attention query {@code u_l}, so its attention over the tokens is {@code a_l = softmax_t(u_l .
 * c_t)} (padding masked), its note vector {@code v_l = sum_t a_lt c_t}, and its logit {@code w_l . v_l + b_l}.
 * Trained with binary cross-entropy per label.
 *
 * <p>The convolution (width {@link #width()}, a few tokens either side) is what lets a label tell "No history of
 * X" from "X" when the backbone is frozen; with a LoRA-tuned backbone it adds little. Weights are float32 and
 * live on the manager given; the caller closes that manager.
 */
public final class LabelAttentionHead {
    /** The weights file in a coder folder. */
    public static final String FILE_NAME = "head.safetensors";
    private static final String CONV_WEIGHT = "conv.weight";
    private static final String CONV_BIAS = "conv.bias";
    private static final String QUERIES = "attention.queries";
    private static final String OUTPUT_WEIGHT = "output.weight";
    static final String OUTPUT_BIAS = "output.bias";
    private static final float MASKED = -1e30f;

    private final Map<String, NDArray> parameters;
    private final int hidden;
    private final int projection;
    private final int width;
    private final int labels;

    private LabelAttentionHead(Map<String, NDArray> parameters) {
        this.parameters = parameters;
        long[] conv = parameters.get(CONV_WEIGHT).getShape().getShape();
        this.projection = (int) conv[0];
        this.hidden = (int) conv[1];
        this.width = (int) conv[2];
        this.labels = (int) parameters.get(QUERIES).getShape().get(0);
    }

    /**
     * A new head with random weights from {@code seed} (uniform in +-1/sqrt(fan-in), as PyTorch's layers).
     *
     * @param hidden the backbone's hidden size
     * @param projection the size of the token context vectors
     * @param width the convolution's width in tokens (odd)
     * @param labels how many labels (codes)
     */
    public static LabelAttentionHead create(NDManager manager, int hidden, int projection, int width, int labels,
            long seed) {
        if (width < 1 || width % 2 == 0) {
            throw new IllegalArgumentException("convolution width must be odd and positive, was " + width);
        }
        JniUtils.setSeed(seed);
        Map<String, NDArray> p = new LinkedHashMap<>();
        float convBound = (float) (1 / Math.sqrt((double) hidden * width));
        p.put(CONV_WEIGHT, manager.randomUniform(-convBound, convBound, new Shape(projection, hidden, width)));
        p.put(CONV_BIAS, manager.zeros(new Shape(projection)));
        float bound = (float) (1 / Math.sqrt(projection));
        p.put(QUERIES, manager.randomUniform(-bound, bound, new Shape(labels, projection)));
        p.put(OUTPUT_WEIGHT, manager.randomUniform(-bound, bound, new Shape(labels, projection)));
        p.put(OUTPUT_BIAS, manager.zeros(new Shape(labels)));
        return new LabelAttentionHead(p);
    }

    /**
     * Reads {@value #FILE_NAME} of a coder folder onto {@code manager}.
     *
     * @throws CoderException when a tensor is missing or the shapes disagree
     */
    public static LabelAttentionHead load(Path folder, NDManager manager) {
        Path file = folder.resolve(FILE_NAME);
        Map<String, NDArray> p = new LinkedHashMap<>();
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            for (String name : List.of(CONV_WEIGHT, CONV_BIAS, QUERIES, OUTPUT_WEIGHT, OUTPUT_BIAS)) {
                if (!f.contains(name)) {
                    throw new CoderException(file + " lacks tensor '" + name + "'; the coder folder is incomplete: "
                            + "train it again with ./jbang train-coder --coder lm-label-attention");
                }
                TensorInfo info = f.tensor(name);
                p.put(name, manager.create(f.floats(name), new Shape(info.shape())));
            }
        }
        LabelAttentionHead head = new LabelAttentionHead(p);
        if (head.parameters.get(OUTPUT_WEIGHT).getShape().get(0) != head.labels
                || head.parameters.get(QUERIES).getShape().get(1) != head.projection) {
            throw new CoderException(file + " holds tensors of disagreeing shapes; the coder folder is damaged");
        }
        return head;
    }

    /** Writes {@value #FILE_NAME} into {@code folder}. */
    public void save(Path folder) {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
            NDArray w = e.getValue();
            tensors.put(e.getKey(), Tensor.ofFloats(DType.F32, w.getShape().getShape(),
                    w.toDevice(ai.djl.Device.cpu(), false).toFloatArray()));
        }
        Safetensors.write(folder.resolve(FILE_NAME), tensors, Map.of("format", "pt"));
    }

    /** The trainable weights by name (live arrays). */
    public Map<String, NDArray> parameters() {
        return parameters;
    }

    /** The hidden size it reads. */
    public int hidden() {
        return hidden;
    }

    /** The convolution's width in tokens. */
    public int width() {
        return width;
    }

    /** How many labels it scores. */
    public int labels() {
        return labels;
    }

    /**
     * Logits and attention of a batch for every label.
     *
     * @param states hidden states (batch, tokens, hidden), float32
     * @param mask 1 for a real token, 0 for padding, (batch, tokens)
     * @return logits (batch, labels) and attention weights (batch, labels, tokens), owned by the caller's scope
     */
    public NDList forward(NDArray states, NDArray mask) {
        return forward(states, mask, null, 0f);
    }

    /**
     * Logits and attention of a batch for some labels only (those of one ICD version: half the work).
     *
     * @param labelIndices the labels to score, int64 (n), or null for all
     * @param dropout dropout rate on the token context vectors (training), 0 for none
     * @return logits (batch, n) and attention weights (batch, n, tokens)
     */
    public NDList forward(NDArray states, NDArray mask, NDArray labelIndices, float dropout) {
        NDArray queries = parameters.get(QUERIES);
        NDArray outputWeight = parameters.get(OUTPUT_WEIGHT);
        NDArray outputBias = parameters.get(OUTPUT_BIAS);
        if (labelIndices != null) {
            queries = queries.get(labelIndices);
            outputWeight = outputWeight.get(labelIndices);
            outputBias = outputBias.get(labelIndices);
        }
        NDArray x = states.transpose(0, 2, 1);
        NDArray c = Conv1d.conv1d(x, parameters.get(CONV_WEIGHT), parameters.get(CONV_BIAS), new Shape(1),
                new Shape((width - 1) / 2), new Shape(1)).singletonOrThrow();
        c = Activation.tanh(c).transpose(0, 2, 1);                              // (B, T, P)
        if (dropout > 0) {
            c = Dropout.dropout(c, dropout, true).singletonOrThrow();
        }
        NDArray scores = c.matMul(queries.transpose()).transpose(0, 2, 1);     // (B, L, T)
        NDArray bias = mask.toType(DataType.FLOAT32, false).neg().add(mask.getManager().ones(new Shape()))
                .mul(mask.getManager().full(new Shape(), MASKED)).expandDims(1);
        NDArray attention = JniUtils.softmax((PtNDArray) scores.add(bias), -1, DataType.FLOAT32);
        NDArray v = attention.matMul(c);                                         // (B, L, P)
        NDArray logits = v.mul(outputWeight.expandDims(0)).sum(new int[] {-1}).add(outputBias.expandDims(0));
        return new NDList(logits, attention);
    }

    /**
     * Mean binary cross-entropy of {@code logits} against 0/1 {@code targets} over the entries where
     * {@code weights} is 1 (the labels of the note's ICD version), computed stably from the logits.
     */
    public static NDArray loss(NDArray logits, NDArray targets, NDArray weights) {
        // max(x, 0) - x y + log(1 + exp(-|x|)); constants are arrays PyTorch owns (see lib/lm's Scalars)
        NDArray one = logits.getManager().ones(new Shape());
        NDArray perEntry = Activation.relu(logits).sub(logits.mul(targets))
                .add(logits.abs().neg().exp().add(one).log());
        NDArray total = perEntry.mul(weights).sum();
        NDArray count = weights.sum().maximum(one);
        return total.div(count);
    }
}
