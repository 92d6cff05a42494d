package org.den4j.agent.app;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoopTranslator;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A program that knows nothing of den4j: it loads models and tokenizers through plain DJL calls from the
 * names on its command line and prints what it got.
 *
 * <p>{@code model NAME} loads through {@code optModelPath(Path.of(NAME))}, {@code url NAME} through
 * {@code optModelUrls(NAME)}, {@code tokenizer NAME} through {@code HuggingFaceTokenizer.newInstance(Path)},
 * {@code tokenizer-id NAME} through {@code newInstance(String)}, and {@code save NAME} saves a new model with
 * {@code Model.save(Path.of(NAME), "tiny")}. A load that fails prints its exception.
 */
public final class ModelApp {
    private ModelApp() {
    }

    public static void main(String[] args) throws Exception {
        for (int i = 0; i + 1 < args.length; i += 2) {
            String kind = args[i];
            String name = args[i + 1];
            try {
                switch (kind) {
                    case "model" -> System.out.println("model " + name + " -> " + predict(Criteria.builder()
                            .optModelPath(Path.of(name))));
                    case "url" -> System.out.println("url " + name + " -> " + predict(Criteria.builder()
                            .optModelUrls(name)));
                    case "tokenizer" -> {
                        try (HuggingFaceTokenizer t = HuggingFaceTokenizer.newInstance(Path.of(name))) {
                            System.out.println("tokenizer " + name + " -> " + ids(t.encode("hello den world")));
                        }
                    }
                    case "tokenizer-id" -> {
                        try (HuggingFaceTokenizer t = HuggingFaceTokenizer.newInstance(name)) {
                            System.out.println("tokenizer-id " + name + " -> " + ids(t.encode("hello den world")));
                        }
                    }
                    case "save" -> {
                        try (ai.djl.Model model = ai.djl.Model.newInstance("tiny", "PyTorch")) {
                            ai.djl.nn.Block block = Linear.builder().setUnits(2).build();
                            model.setBlock(block);
                            block.initialize(model.getNDManager(), ai.djl.ndarray.types.DataType.FLOAT32,
                                    new Shape(1, 3));
                            model.save(Path.of(name), "tiny");
                            System.out.println("save " + name + " -> done");
                        }
                    }
                    default -> throw new IllegalArgumentException(kind);
                }
            } catch (ModelNotFoundException | java.io.IOException | RuntimeException e) {
                System.out.println(kind + " " + name + " failed: " + e.getClass().getName() + ": " + e.getMessage());
            }
        }
    }

    private static String ids(Encoding encoding) {
        return Arrays.toString(encoding.getIds());
    }

    private static String predict(Criteria.Builder<?, ?> builder) throws Exception {
        Criteria<NDList, NDList> criteria = builder.setTypes(NDList.class, NDList.class)
                .optModelName("tiny")
                .optEngine("PyTorch")
                .optBlock(Linear.builder().setUnits(2).build())
                .optTranslator(new NoopTranslator())
                .build();
        try (ZooModel<NDList, NDList> model = criteria.loadModel();
                Predictor<NDList, NDList> predictor = model.newPredictor();
                NDManager manager = NDManager.newBaseManager("PyTorch")) {
            NDList out = predictor.predict(new NDList(manager.create(new float[] {1, 2, 3}, new Shape(1, 3))));
            return Arrays.toString(out.singletonOrThrow().toFloatArray()) + " from " + model.getModelPath();
        }
    }
}
