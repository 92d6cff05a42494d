package org.den4j.lm.internal;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import org.den4j.lm.io.DType;
import org.den4j.lm.io.SafetensorsFile;
import org.den4j.lm.io.Tensor;

/** Copies between device arrays and float32 host tensors, for checkpoints. */
public final class HostTensors {
    private HostTensors() {
    }

    /** {@code array} as a float32 tensor in host memory. */
    public static Tensor toTensor(NDArray array) {
        float[] values = array.toType(DataType.FLOAT32, false).toDevice(Device.cpu(), false).toFloatArray();
        return Tensor.ofFloats(DType.F32, array.getShape().getShape(), values);
    }

    /** Overwrites {@code target} in place with tensor {@code name} of {@code file}, in the target's type and device. */
    public static void assign(NDArray target, SafetensorsFile file, String name) {
        float[] values = file.floats(name);
        try (NDArray loaded = target.getManager().create(values, target.getShape())) {
            target.muli(0).addi(loaded.toType(target.getDataType(), false).toDevice(target.getDevice(), false));
        }
    }
}
