package org.den4j.lm.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.LinkedHashMap;
import java.util.Map;
import org.den4j.lm.internal.HostTensors;
import org.den4j.lm.io.SafetensorsFile;
import org.den4j.lm.io.Tensor;

/**
 * AdamW as {@code torch.optim.AdamW} (betas 0.9 and 0.999, epsilon 1e-8, decoupled weight decay), after clipping
 * the gradients to a global norm.
 *
 * <pre>
 * try (AdamW optimizer = new AdamW(model.manager(), adapter.parameters(), 0.0, 1.0)) {
 *     ... backward ...
 *     optimizer.step(learningRate, step, optimizer.gradientNorm());
 * }
 * </pre>
 *
 * <p>Holds the two float32 moments of every parameter in native memory; the caller closes it.
 */
public final class AdamW implements AutoCloseable {
    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final double EPSILON = 1e-8;

    private final Map<String, NDArray> params;
    private final NDManager manager;
    private final Map<String, NDArray[]> moments = new LinkedHashMap<>();
    private final double weightDecay;
    private final double maxGradNorm;

    /**
     * @param parent the moments live in a sub-manager of this one
     * @param params the parameters to update, by name; they keep their gradients between {@link #step}s
     * @param weightDecay decoupled weight decay, 0 for none
     * @param maxGradNorm clip the global gradient norm to this, 0 for no clipping
     */
    public AdamW(NDManager parent, Map<String, NDArray> params, double weightDecay, double maxGradNorm) {
        this.params = params;
        this.manager = parent.newSubManager();
        this.weightDecay = weightDecay;
        this.maxGradNorm = maxGradNorm;
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            moments.put(e.getKey(), new NDArray[] {
                    manager.zeros(e.getValue().getShape(), DataType.FLOAT32),
                    manager.zeros(e.getValue().getShape(), DataType.FLOAT32)});
        }
    }

    /** The global L2 norm of the parameters' gradients, before clipping. */
    public double gradientNorm() {
        double sum = 0;
        try (NDScope scope = new NDScope()) {
            for (NDArray p : params.values()) {
                sum += p.getGradient().toType(DataType.FLOAT32, false).square().sum().getFloat();
            }
        }
        return Math.sqrt(sum);
    }

    /**
     * Updates every parameter from its gradient and zeroes the gradients.
     *
     * @param learningRate the rate of this step
     * @param step the 1-based step, for the bias correction
     * @param gradNorm {@link #gradientNorm()} of this step's gradients
     */
    public void step(double learningRate, int step, double gradNorm) {
        double clip = maxGradNorm > 0 && gradNorm > maxGradNorm ? maxGradNorm / (gradNorm + 1e-6) : 1.0;
        double bc1 = 1 - Math.pow(BETA1, step);
        double bc2 = 1 - Math.pow(BETA2, step);
        try (NDScope scope = new NDScope()) {
            for (Map.Entry<String, NDArray> e : params.entrySet()) {
                NDArray p = e.getValue();
                NDArray g = p.getGradient();
                if (clip != 1.0) {
                    g = g.mul(clip);
                }
                NDArray[] mv = moments.get(e.getKey());
                mv[0].muli(BETA1).addi(g.mul(1 - BETA1));
                mv[1].muli(BETA2).addi(g.square().mul(1 - BETA2));
                if (weightDecay > 0) {
                    p.muli(1 - learningRate * weightDecay);
                }
                NDArray denom = mv[1].sqrt().div(Math.sqrt(bc2)).add(EPSILON);
                p.subi(mv[0].div(denom).mul(learningRate / bc1));
                JniUtils.zeroGrad((PtNDArray) p);
            }
        }
    }

    /** The moments as host tensors named {@code exp_avg/<param>} and {@code exp_avg_sq/<param>}, as PyTorch's. */
    public Map<String, Tensor> state() {
        Map<String, Tensor> state = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray[]> e : moments.entrySet()) {
            state.put("exp_avg/" + e.getKey(), HostTensors.toTensor(e.getValue()[0]));
            state.put("exp_avg_sq/" + e.getKey(), HostTensors.toTensor(e.getValue()[1]));
        }
        return state;
    }

    /** Restores the moments from a file written from {@link #state()}. */
    public void load(SafetensorsFile file) {
        for (Map.Entry<String, NDArray[]> e : moments.entrySet()) {
            HostTensors.assign(e.getValue()[0], file, "exp_avg/" + e.getKey());
            HostTensors.assign(e.getValue()[1], file, "exp_avg_sq/" + e.getKey());
        }
    }

    /** Frees the moments. */
    @Override
    public void close() {
        manager.close();
    }
}
