package org.den4j.lm.gguf;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.ModelParameters;
import java.nio.file.Path;

/** Greedy generation with llama.cpp (de.kherud:llama), the independent check of exports. */
public final class LlamaCpp {
    private LlamaCpp() {
    }

    /** llama.cpp's greedy continuation of {@code prompt} from the GGUF {@code model}. */
    public static String greedy(Path model, String prompt, int maxNewTokens) {
        ModelParameters params = new ModelParameters().setModel(model.toString()).setCtxSize(256)
                .setThreads(2).disableLog();
        try (LlamaModel llama = new LlamaModel(params)) {
            return llama.complete(new InferenceParameters(prompt).setTemperature(0f).setNPredict(maxNewTokens)
                    .setRepeatPenalty(1f).setFrequencyPenalty(0f).setPresencePenalty(0f).setSeed(0)
                    .setCachePrompt(false));
        }
    }
}
