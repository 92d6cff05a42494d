package org.den4j.coder.text;

/**
 * A sparse vector: feature indices in ascending order with their values. Arrays are owned by the vector; callers
 * do not modify them.
 *
 * @param indices ascending feature indices
 * @param values the value of each index
 */
public record SparseVector(int[] indices, float[] values) {
    public SparseVector {
        if (indices.length != values.length) {
            throw new IllegalArgumentException("a sparse vector needs one value per index: " + indices.length
                    + " indices, " + values.length + " values");
        }
    }

    /** Number of stored (non-zero) entries. */
    public int size() {
        return indices.length;
    }

    /** The sum of the values. */
    public double sum() {
        double s = 0;
        for (float v : values) {
            s += v;
        }
        return s;
    }
}
