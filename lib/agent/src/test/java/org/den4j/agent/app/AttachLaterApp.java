package org.den4j.agent.app;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A program that is already running when the agent is attached to it: it loads a tokenizer from the folder
 * in its first argument (so DJL's tokenizer class is loaded before the agent arrives), prints {@code ready},
 * waits for a line on stdin, then runs {@link ModelApp} with the remaining arguments.
 */
public final class AttachLaterApp {
    private AttachLaterApp() {
    }

    public static void main(String[] args) throws Exception {
        try (HuggingFaceTokenizer t = HuggingFaceTokenizer.newInstance(Path.of(args[0]))) {
            System.out.println("before " + Arrays.toString(t.encode("hello den world").getIds()));
        }
        System.out.println("ready");
        System.out.flush();
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        ModelApp.main(Arrays.copyOfRange(args, 1, args.length));
    }
}
