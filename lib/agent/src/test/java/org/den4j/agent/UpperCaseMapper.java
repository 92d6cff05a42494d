package org.den4j.agent;

import java.util.function.Function;

/** A mapper class for tests: {@code models/NAME} maps to {@code acme/NAME}. */
public class UpperCaseMapper implements Function<String, String> {
    @Override
    public String apply(String name) {
        return name.startsWith("models/") ? "acme/" + name.substring("models/".length()) : null;
    }
}
