package org.den4j.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;

/**
 * Keys and values of the tokens a model has already seen, one pair per layer, so each new token
 * costs one position of attention instead of a pass over the whole sequence.
 *
 * <p>Made by {@link Qwen2Model#newCache()} and extended by
 * {@link Qwen2Model#forward(NDArray, long[][], KvCache, boolean)}. The caller closes it.
 */
public final class KvCache implements AutoCloseable {
    private final NDManager manager;
    private NDArray[] keys = new NDArray[0];
    private NDArray[] values = new NDArray[0];
    private int length;

    KvCache(NDManager manager) {
        this.manager = manager;
    }

    /** Tokens cached so far (padding included). */
    public int length() {
        return length;
    }

    NDArray key(int layer) {
        return keys[layer];
    }

    NDArray value(int layer) {
        return values[layer];
    }

    /** Replaces the cached arrays with {@code pairs} (key, value per layer) after {@code added} tokens. */
    void update(List<NDArray> pairs, long[][] paddingMask, int added) {
        int layers = pairs.size() / 2;
        NDArray[] newKeys = new NDArray[layers];
        NDArray[] newValues = new NDArray[layers];
        for (int i = 0; i < layers; i++) {
            newKeys[i] = pairs.get(2 * i);
            newValues[i] = pairs.get(2 * i + 1);
            newKeys[i].attach(manager);
            newValues[i].attach(manager);
        }
        for (NDArray a : keys) {
            a.close();
        }
        for (NDArray a : values) {
            a.close();
        }
        keys = newKeys;
        values = newValues;
        length += added;
    }

    @Override
    public void close() {
        manager.close();
    }
}
