package org.den4j.lm;

import java.util.List;

/**
 * The shape of a LoRA adapter, as PEFT's {@code LoraConfig}.
 *
 * @param r rank of the update
 * @param alpha scaling numerator: the update is {@code B A x * alpha / r}
 * @param dropout dropout on the adapter's input while training, in [0, 1)
 * @param targetModules projections that get an adapter, among {@code q_proj k_proj v_proj o_proj
 *     gate_proj up_proj down_proj}, kept in that order without repeats
 */
public record LoraConfig(int r, double alpha, double dropout, List<String> targetModules) {
    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException naming the value at fault
     */
    public LoraConfig {
        targetModules = List.copyOf(targetModules);
        if (r <= 0) {
            throw new IllegalArgumentException("LoRA rank r must be positive, got " + r);
        }
        if (!(alpha > 0)) {
            throw new IllegalArgumentException("LoRA alpha must be positive, got " + alpha);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("LoRA dropout must be in [0, 1), got " + dropout);
        }
        if (targetModules.isEmpty()) {
            throw new IllegalArgumentException("LoRA target_modules is empty; name some of "
                    + Qwen2Model.PROJECTIONS);
        }
        for (String t : targetModules) {
            if (!Qwen2Model.PROJECTIONS.contains(t)) {
                throw new IllegalArgumentException("LoRA target module '" + t + "' is not a Qwen2 projection; use "
                        + "some of " + Qwen2Model.PROJECTIONS);
            }
        }
        List<String> given = targetModules;
        targetModules = Qwen2Model.PROJECTIONS.stream().filter(given::contains).toList();
    }

    /** The update's scale, {@code alpha / r}. */
    public double scaling() {
        return alpha / r;
    }
}
