package org.den4j.tests;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs every {@code notebooks/*.ipynb} top to bottom, headless, on the kernel its metadata names
 * (den4j-java, or den4j-java-injected for notebooks that start with the agent; den4j-java when it
 * names none), as CI does; one test per notebook, which fails with the failing cell and its error.
 *
 * <p>First it runs tools/install-kernel (which also installs Jupyter when it is missing). The
 * executed notebooks and their logs go to {@code tests/target/notebooks/}. A notebook may take
 * {@value #NOTEBOOK_TIMEOUT_MINUTES} minutes. {@code -Dden4j.notebooks=PATH} runs the notebooks
 * of another folder, or one notebook file, instead.
 */
class NotebooksTest {

    static final int NOTEBOOK_TIMEOUT_MINUTES = 10;
    private static final Duration NOTEBOOK_TIMEOUT = Duration.ofMinutes(NOTEBOOK_TIMEOUT_MINUTES);
    private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(20);
    private static final String KERNEL = "den4j-java";
    private static final Pattern KERNELSPEC_NAME =
            Pattern.compile("\"kernelspec\"\\s*:\\s*\\{[^}]*\"name\"\\s*:\\s*\"([^\"]+)\"");
    private static final String CELL_ERROR = "An error occurred while executing the following cell:";

    private final Path root = RepoRoot.find();
    private final Path outputDir = root.resolve("tests/target/notebooks");

    @TestFactory
    Stream<DynamicTest> everyNotebookRunsTopToBottom() throws IOException {
        List<Path> notebooks = notebooks();
        if (notebooks.isEmpty()) {
            return Stream.empty();
        }
        installKernel();
        Files.createDirectories(outputDir);
        return notebooks.stream().map(notebook -> dynamicTest(
                root.relativize(notebook).toString(), notebook.toUri(), () -> execute(notebook)));
    }

    private List<Path> notebooks() throws IOException {
        String chosen = System.getProperty("den4j.notebooks");
        Path source = chosen == null || chosen.isBlank() ? root.resolve("notebooks") : root.resolve(chosen);
        if (Files.isRegularFile(source)) {
            return List.of(source.toAbsolutePath().normalize());
        }
        if (!Files.isDirectory(source)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(source)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".ipynb") && Files.isRegularFile(f))
                    .map(f -> f.toAbsolutePath().normalize())
                    .sorted()
                    .collect(Collectors.toList());
        }
    }

    private void installKernel() {
        Jbang.Result result = Processes.run(List.of(root.resolve("tools/install-kernel").toString()),
                root, skipBuild(), INSTALL_TIMEOUT);
        if (!result.isSuccess()) {
            fail("tools/install-kernel failed, so no notebook can run; run it by hand to see why.\n" + result);
        }
    }

    private void execute(Path notebook) throws IOException {
        String name = notebook.getFileName().toString();
        List<String> command = List.of(jupyter(), "nbconvert", "--to", "notebook", "--execute",
                "--ExecutePreprocessor.kernel_name=" + kernelOf(notebook),
                // per cell; the whole run is bounded by NOTEBOOK_TIMEOUT below
                "--ExecutePreprocessor.timeout=" + NOTEBOOK_TIMEOUT.toSeconds(),
                "--ExecutePreprocessor.startup_timeout=120",
                "--output-dir=" + outputDir, "--output=" + name,
                notebook.toString());
        long started = System.nanoTime();
        // The kernel starts in the notebook's folder, so relative paths in cells work as in Jupyter.
        Map<String, String> env = new HashMap<>(skipBuild());
        // A notebook that opens the den the environment names (den-injection: the agent's den) gets one
        // under target/, never the user's own den.
        env.put("DEN4J_PATH", outputDir.resolve("den").toString());
        env.put("DEN4J_TYPE", null);
        Jbang.Result result = Processes.run(command, notebook.getParent(), env, NOTEBOOK_TIMEOUT);
        long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();
        Path log = outputDir.resolve(name + ".log");
        Files.writeString(log, result.stdout() + result.stderr());
        if (!result.isSuccess()) {
            fail(root.relativize(notebook) + " failed after " + seconds + " s (exit code " + result.exitCode()
                    + "); full log: " + root.relativize(log) + "\n" + failure(result.stderr()));
        }
    }

    /** The kernel the notebook's {@code metadata.kernelspec.name} names, else {@value #KERNEL}. */
    static String kernelOf(Path notebook) throws IOException {
        Matcher name = KERNELSPEC_NAME.matcher(Files.readString(notebook));
        return name.find() ? name.group(1) : KERNEL;
    }

    /** The failing cell and its error when nbconvert names one, else the end of the log. */
    static String failure(String log) {
        String plain = log.replaceAll("\u001B\\[[;\\d]*m", "");
        int cell = plain.indexOf(CELL_ERROR);
        return cell >= 0 ? plain.substring(cell).strip() : Processes.tail(plain.strip(), 40);
    }

    /** Same choice as tools/install-kernel: DEN4J_JUPYTER, else Debian's /usr/bin/jupyter, else PATH. */
    private static String jupyter() {
        String chosen = System.getenv("DEN4J_JUPYTER");
        if (chosen != null && !chosen.isBlank()) {
            return chosen;
        }
        return Files.isExecutable(Path.of("/usr/bin/jupyter")) ? "/usr/bin/jupyter" : "jupyter";
    }

    /** The reactor installed the lib modules before this one; do not install them again underneath it. */
    private static Map<String, String> skipBuild() {
        return System.getenv("DEN4J_SKIP_BUILD") == null ? Map.of("DEN4J_SKIP_BUILD", "1") : Map.of();
    }
}
