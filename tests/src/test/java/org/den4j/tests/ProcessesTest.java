package org.den4j.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Child processes of the end-to-end tests: output, environment, and what happens at a timeout. */
class ProcessesTest {

    @TempDir
    Path dir;

    @Test
    void capturesExitCodeStdoutAndStderrSeparately() {
        Jbang.Result result = Processes.run(List.of("bash", "-c", "echo out; echo err >&2; exit 4"),
                dir, Map.of(), Duration.ofSeconds(30));

        assertEquals(new Jbang.Result(4, "out\n", "err\n"), result);
    }

    @Test
    void setsAndRemovesEnvironmentVariables() {
        Map<String, String> env = new java.util.HashMap<>();
        env.put("DEN4J_E2E_SET", "yes");
        env.put("HOME", null);
        Jbang.Result result = Processes.run(List.of("bash", "-c", "echo \"$DEN4J_E2E_SET/${HOME:-unset}\""),
                dir, env, Duration.ofSeconds(30));

        assertEquals("yes/unset\n", result.stdout());
    }

    @Test
    void runningPastTheTimeoutKillsTheProcessAndItsChildren() throws IOException, InterruptedException {
        Path childPid = dir.resolve("child.pid");
        AssertionError error = assertThrows(AssertionError.class, () -> Processes.run(
                List.of("bash", "-c", "sleep 300 & echo $! > child.pid; echo started; wait"),
                dir, Map.of(), Duration.ofSeconds(2)));

        assertTrue(error.getMessage().contains("did not finish within PT2S and was killed"), error.getMessage());
        assertTrue(error.getMessage().contains("started"), error.getMessage());
        long pid = Long.parseLong(Files.readString(childPid).strip());
        for (int i = 0; i < 50 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false); i++) {
            Thread.sleep(100);
        }
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "child sleep " + pid + " still runs");
    }
}
