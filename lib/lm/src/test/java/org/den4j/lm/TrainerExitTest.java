package org.den4j.lm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JVM asked to exit while its training thread is inside PyTorch's backward pass lets that step end, then exits
 * cleanly. Without the shutdown gate the exit ran libtorch's static destructors under backward(): the step never
 * ended, and in about one run in three on the kit's model the JVM died with SIGSEGV in
 * {@code at::accelerator::getAccelerator} (exit 134 and an hs_err file), the crash of {@code lm-kit}.
 */
class TrainerExitTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(600)
    void exitDuringBackwardWaitsForTheStepInsteadOfCrashing() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        for (int run = 0; run < 2; run++) {
            Path work = Files.createDirectories(dir.resolve("run-" + run));
            Process child = new ProcessBuilder(java.toString(), "-Dai.djl.offline=true",
                    "-XX:ErrorFile=" + work.resolve("hs_err_pid%p.log"), "-cp", System.getProperty("java.class.path"),
                    ExitDuringBackwardRun.class.getName(), work.resolve("out").toString())
                    .redirectErrorStream(true).start();
            String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(child.waitFor(300, TimeUnit.SECONDS), "the child JVM did not end");
            int requested = output.indexOf("exit requested during backward");
            assertTrue(requested >= 0, output);
            assertTrue(output.indexOf(" ended", requested) > requested, "the step in progress ended: " + output);
            try (var files = Files.list(work)) {
                List<Path> crashes = files.filter(p -> p.getFileName().toString().startsWith("hs_err")).toList();
                assertEquals(List.of(), crashes, "the JVM crashed: " + output);
            }
            assertEquals(143, child.exitValue(), output);
        }
    }
}
