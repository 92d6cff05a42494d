package org.den4j.agent.app;

import org.den4j.agent.DenInjection;

/** A notebook-like program: injects in process with den4j-agent on its class path, runs ModelApp, un-injects. */
public final class InjectingApp {
    private InjectingApp() {
    }

    public static void main(String[] args) throws Exception {
        try (DenInjection.Injection injection = DenInjection.inject("prefix=den:")) {
            System.out.println("active " + DenInjection.isActive());
            ModelApp.main(args);
        }
        System.out.println("active " + DenInjection.isActive());
        ModelApp.main(args);
    }
}
