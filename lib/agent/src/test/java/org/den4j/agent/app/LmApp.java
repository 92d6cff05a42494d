package org.den4j.agent.app;

import java.nio.file.Path;
import org.den4j.lm.LanguageModel;

/**
 * A program that loads language models with den4j's own loader, {@code LanguageModel.load(Path)}, from the
 * folders on its command line, and prints what happened: it has no den code of its own.
 */
public final class LmApp {
    private LmApp() {
    }

    public static void main(String[] args) {
        for (String name : args) {
            try (LanguageModel lm = LanguageModel.load(Path.of(name), "cpu", "float32")) {
                System.out.println("lm " + name + " -> loaded");
            } catch (RuntimeException e) {
                System.out.println("lm " + name + " failed: " + e.getClass().getName() + ": " + e.getMessage());
            }
        }
    }
}
