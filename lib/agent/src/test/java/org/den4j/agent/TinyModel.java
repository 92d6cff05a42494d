package org.den4j.agent;

import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import ai.djl.translate.NoopTranslator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** A real DJL model on the PyTorch engine: one Linear layer, 3 inputs, 2 outputs, saved as tiny-0000.params. */
final class TinyModel {
    private TinyModel() {
    }

    /** Writes the model into {@code dir} and returns its output for [1, 2, 3], as ModelApp prints it. */
    static String write(Path dir) throws Exception {
        Files.createDirectories(dir);
        try (Model model = Model.newInstance("tiny", "PyTorch")) {
            Block block = Linear.builder().setUnits(2).build();
            model.setBlock(block);
            block.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, 3));
            model.save(dir, "tiny");
            try (Predictor<NDList, NDList> predictor = model.newPredictor(new NoopTranslator())) {
                NDList out = predictor.predict(new NDList(
                        model.getNDManager().create(new float[] {1, 2, 3}, new Shape(1, 3))));
                return Arrays.toString(out.singletonOrThrow().toFloatArray());
            }
        }
    }
}
