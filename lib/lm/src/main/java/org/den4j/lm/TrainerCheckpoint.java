package org.den4j.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.den4j.lm.internal.HostTensors;
import org.den4j.lm.io.Safetensors;
import org.den4j.lm.io.SafetensorsFile;
import org.den4j.lm.train.AdamW;
import org.den4j.lm.train.Checkpoints;
import org.den4j.lm.train.MetricsLog;
import org.den4j.lm.train.TrainingListener;
import org.den4j.lm.train.TrainingRun;

/**
 * What a {@link Trainer} checkpoint holds and how it comes back: the adapter (or every weight), the AdamW moments
 * ({@value #OPTIMIZER_FILE}) and the step with the history ({@value Checkpoints#STATE_FILE}). Randomness is
 * derived from the seed and the step, so no generator state is saved. As a listener it writes a checkpoint every
 * {@code saveEvery} steps, except after the last (the trainer then writes the result itself).
 */
final class TrainerCheckpoint implements TrainingListener {
    private static final String OPTIMIZER_FILE = "optimizer.safetensors";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Qwen2Model model;
    private final LoraAdapter adapter;
    private final TrainerOptions options;
    private final AdamW optimizer;
    private final Checkpoints checkpoints;

    /** @param adapter the adapter trained, or null for full fine-tuning */
    TrainerCheckpoint(Qwen2Model model, LoraAdapter adapter, TrainerOptions options, AdamW optimizer,
            Checkpoints checkpoints) {
        this.model = model;
        this.adapter = adapter;
        this.options = options;
        this.optimizer = optimizer;
        this.checkpoints = checkpoints;
    }

    @Override
    public void onStep(TrainingRun run, TrainingMetrics metrics) {
        int step = metrics.step();
        if (options.saveEvery() > 0 && step % options.saveEvery() == 0 && step < run.totalSteps()) {
            checkpoints.write(step, dir -> write(dir, step, run.totalSteps(), run.history()));
        }
    }

    private void write(Path dir, int step, int totalSteps, List<TrainingMetrics> history) throws IOException {
        if (adapter == null) {
            model.save(dir);
        } else {
            adapter.save(dir, options.baseModel());
        }
        Safetensors.write(dir.resolve(OPTIMIZER_FILE), optimizer.state(), Map.of("step", Integer.toString(step)));
        ObjectNode root = JSON.createObjectNode();
        root.put("step", step);
        root.put("total_steps", totalSteps);
        root.put("seed", options.seed());
        root.put("mode", mode());
        root.put("rng", "derived from seed and micro-batch index; nothing to restore");
        ArrayNode h = root.putArray("history");
        for (TrainingMetrics m : history) {
            h.add(JSON.readTree(m.toJson()));
        }
        Files.writeString(dir.resolve(Checkpoints.STATE_FILE), JSON.writerWithDefaultPrettyPrinter()
                .writeValueAsString(root));
    }

    private String mode() {
        return adapter == null ? "full" : "lora";
    }

    /**
     * Loads {@code checkpoint} into {@code params} and the optimizer, and its history into {@code history}.
     *
     * @return the checkpoint's step
     * @throws ModelFileException when the checkpoint is unreadable or from another configuration
     */
    int restore(Path checkpoint, Map<String, NDArray> params, List<TrainingMetrics> history) {
        Path stateFile = checkpoint.resolve(Checkpoints.STATE_FILE);
        JsonNode state;
        try {
            state = JSON.readTree(stateFile.toFile());
        } catch (IOException e) {
            throw new ModelFileException(stateFile, null, "Checkpoint state " + stateFile + " is unreadable: " + e, e);
        }
        String mode = state.path("mode").asText();
        if (!mode.equals(mode())) {
            throw new ModelFileException(stateFile, "mode", "Checkpoint " + checkpoint + " is from " + mode
                    + " training but this run does " + mode() + " training; use the same configuration to resume");
        }
        boolean grad = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            if (adapter == null) {
                try (SafetensorsFile weights = SafetensorsFile.open(checkpoint.resolve(Safetensors.MODEL_FILE))) {
                    for (Map.Entry<String, NDArray> e : params.entrySet()) {
                        HostTensors.assign(e.getValue(), weights, e.getKey());
                    }
                }
            } else {
                try (LoraAdapter saved = LoraAdapter.load(checkpoint, model)) {
                    if (!saved.config().equals(options.lora())) {
                        throw new ModelFileException(checkpoint.resolve(LoraAdapter.CONFIG_FILE), null, "Checkpoint "
                                + checkpoint + " holds a LoRA adapter " + saved.config() + " but this run asks for "
                                + options.lora() + "; use the same configuration to resume");
                    }
                    for (Map.Entry<String, NDArray> e : saved.parameters().entrySet()) {
                        params.get(e.getKey()).muli(0).addi(e.getValue());
                    }
                }
            }
            try (SafetensorsFile opt = SafetensorsFile.open(checkpoint.resolve(OPTIMIZER_FILE))) {
                optimizer.load(opt);
            }
        } finally {
            JniUtils.setGradMode(grad);
        }
        for (JsonNode m : state.path("history")) {
            history.add(MetricsLog.parse(m));
        }
        return state.path("step").asInt();
    }
}
