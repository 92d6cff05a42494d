package org.den4j.bench.internal;

import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Times DJL tokenizer loads in a JVM of its own, as a program that loads one model would: loads a warm-up
 * tokenizer from its folder (DJL's classes and native library), then times the first load of {@code NAME}
 * and the median of {@code REPEATS} more, and prints {@code first_ms=... warm_ms=...} on stdout.
 *
 * <p>Arguments: {@code WARMUP_DIR NAME REPEATS}; {@code NAME} is a folder or a {@code den:} name. DJL is
 * called through reflection, so this module does not depend on it: the benchmark starts this class with
 * a class path that holds {@code ai.djl.huggingface:tokenizers} (the bench-agent script's). The agent
 * intercepts the method however it is called.
 */
public final class TokenizerLoadProbe {
    private TokenizerLoadProbe() {
    }

    public static void main(String[] args) throws Exception {
        Class<?> type = Class.forName("ai.djl.huggingface.tokenizers.HuggingFaceTokenizer");
        Method newInstance = type.getMethod("newInstance", Path.class);
        load(newInstance, Path.of(args[0]));
        Path name = Path.of(args[1]);
        int repeats = Integer.parseInt(args[2]);
        double first = load(newInstance, name);
        double[] warm = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            warm[i] = load(newInstance, name);
        }
        Arrays.sort(warm);
        System.out.printf(Locale.ROOT, "first_ms=%.3f warm_ms=%.3f%n", first, warm[repeats / 2]);
    }

    private static double load(Method newInstance, Path name) throws Exception {
        long t0 = System.nanoTime();
        try (AutoCloseable tokenizer = (AutoCloseable) newInstance.invoke(null, name)) {
            return (System.nanoTime() - t0) / 1e6;
        }
    }
}
