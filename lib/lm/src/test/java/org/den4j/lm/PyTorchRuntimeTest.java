package org.den4j.lm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class PyTorchRuntimeTest {
    @TempDir
    Path dir;

    @Test
    void theDefaultBuildLoadsTheCpuLibrariesFromTheClassPath() {
        PyTorchRuntime runtime = PyTorchRuntime.load(Map.of());
        assertEquals("cpu", runtime.flavor());
        assertEquals("class path", runtime.source());
        assertTrue(runtime.version().startsWith("2.7.1"), runtime.version());
        assertTrue(Files.isRegularFile(runtime.libraryDir().resolve(System.mapLibraryName("torch"))));
        assertTrue(runtime.cpuCores() > 0);
    }

    @Test
    void aLibraryPathWithoutItsFlavorIsRefusedNamingTheVariableToSet() {
        DeviceNotAvailableException e = assertThrows(DeviceNotAvailableException.class,
                () -> PyTorchRuntime.checkLibraryPath(Map.of("PYTORCH_LIBRARY_PATH", dir.toString())));
        assertTrue(e.getMessage().contains("PYTORCH_FLAVOR=cu128"), e.getMessage());
    }

    @Test
    void aLibraryPathWithoutLibtorchIsRefusedNamingTheFolder() {
        DeviceNotAvailableException e = assertThrows(DeviceNotAvailableException.class,
                () -> PyTorchRuntime.checkLibraryPath(Map.of("PYTORCH_LIBRARY_PATH", dir.toString(),
                        "PYTORCH_FLAVOR", "cu128")));
        assertTrue(e.getMessage().contains(dir.toString()) && e.getMessage().contains("torch/lib"), e.getMessage());
    }

    @Test
    void cudaOnAMachineWithoutAGpuSaysHowToLoadTheCudaBuild() {
        PyTorchRuntime runtime = PyTorchRuntime.load(Map.of());
        if (runtime.cudaAvailable()) {
            return; // a machine with a GPU and CUDA libraries: nothing to refuse
        }
        DeviceNotAvailableException e = assertThrows(DeviceNotAvailableException.class, () -> Devices.resolve("cuda"));
        assertTrue(e.getMessage().contains("PYTORCH_LIBRARY_PATH") && e.getMessage().contains("-Dden4j.cuda")
                && e.getMessage().contains("docs/gpu.md"), e.getMessage());
    }

    /**
     * The way to CUDA without a rebuild is PYTORCH_LIBRARY_PATH: a child JVM pointed at the CPU libraries that
     * way (the same mechanism, the other flavor) must load them from there.
     */
    @Test
    @Timeout(300)
    void aChildJvmLoadsPyTorchFromTheLibraryPathVariable() throws Exception {
        PyTorchRuntime here = PyTorchRuntime.load(Map.of());
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder builder = new ProcessBuilder(java.toString(), "-Dai.djl.offline=true", "-cp",
                System.getProperty("java.class.path"), DevicesMain.class.getName(), "--json");
        builder.environment().put("PYTORCH_LIBRARY_PATH", here.libraryDir().toString());
        builder.environment().put("PYTORCH_FLAVOR", "cpu");
        builder.environment().put("PYTORCH_VERSION", "2.7.1");
        Process child = builder.redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(240, TimeUnit.SECONDS), "the child JVM did not end");
        assertEquals(0, child.exitValue(), output);
        JsonNode json = new ObjectMapper().readTree(output);
        assertEquals("PYTORCH_LIBRARY_PATH", json.get("source").asText(), output);
        assertEquals("cpu", json.get("flavor").asText(), output);
        assertEquals(here.libraryDir().toString(), json.get("libraryDir").asText(), output);
        assertFalse(json.get("cudaAvailable").asBoolean(), output);
    }
}
