package org.den4j.agent.app;

/** A program that loads no model at all. */
public final class NoModelApp {
    private NoModelApp() {
    }

    public static void main(String[] args) {
        System.out.println("sum " + java.util.stream.IntStream.rangeClosed(1, 10).sum());
    }
}
