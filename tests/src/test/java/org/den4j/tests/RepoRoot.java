package org.den4j.tests;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the den4j repo root: the nearest folder, from the working directory up, that holds jbang-catalog.json. */
final class RepoRoot {

    private RepoRoot() {
    }

    /**
     * Returns the repo root above {@code user.dir} (Maven runs each module's tests in the module's folder).
     *
     * @throws IllegalStateException when no folder from {@code user.dir} up holds jbang-catalog.json
     */
    static Path find() {
        Path start = Path.of(System.getProperty("user.dir")).toAbsolutePath().normalize();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("jbang-catalog.json"))) {
                return dir;
            }
        }
        throw new IllegalStateException("No jbang-catalog.json in " + start + " or any folder above it; "
                + "run the end-to-end tests from inside the den4j repo (e.g. tests/run-all at its root)");
    }
}
