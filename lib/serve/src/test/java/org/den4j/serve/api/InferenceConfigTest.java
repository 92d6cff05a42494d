package org.den4j.serve.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class InferenceConfigTest {
    private static final Path FILE = Path.of("config", "inference-config.yaml");

    @Test
    void shippedFileEqualsTheDefaults() {
        Path shipped = Path.of("../../config/inference-config.yaml");
        InferenceConfig read = InferenceConfig.read(shipped);
        InferenceConfig d = InferenceConfig.defaults();
        assertEquals(d.model(), read.model());
        assertEquals(d.inference(), read.inference());
        assertEquals(d.api(), read.api());
        assertEquals(d.logging(), read.logging());
    }

    @Test
    void valuesAreRead() {
        InferenceConfig c = InferenceConfig.parse("""
                model: {name: out/coders/linear, device: cpu, poll_seconds: 0.5}
                inference: {top_k: 8, threshold: 0.3}
                api:
                  port: 9000
                  cors_origins: ["*"]
                  rate_limit: {requests_per_minute: 120}
                  request_timeout_seconds: 5
                  api_keys_file: keys.json
                logging: {requests: true}
                """, FILE);
        assertEquals("out/coders/linear", c.model().name());
        assertEquals(Duration.ofMillis(500), c.model().pollInterval());
        assertEquals(8, c.inference().topK());
        assertEquals(0.3, c.inference().threshold());
        assertEquals(9000, c.api().port());
        assertEquals(List.of("*"), c.api().corsOrigins());
        assertEquals(120, c.api().requestsPerMinute());
        assertEquals(Duration.ofSeconds(5), c.api().requestTimeout());
        assertEquals(Path.of("keys.json"), c.api().apiKeysFile());
        assertEquals(true, c.logging().requests());
        assertNull(InferenceConfig.defaults().api().apiKeysFile());
    }

    @Test
    void unknownKeyNamesTheKeyAndTheFile() {
        InferenceConfigException e = assertThrows(InferenceConfigException.class,
                () -> InferenceConfig.parse("api:\n  rate_limt: 3\n", FILE));
        assertEquals("api.rate_limt", e.key());
        assertEquals("Unknown key api.rate_limt in config/inference-config.yaml; the keys here are api_keys_file, "
                + "cors_origins, host, max_body_bytes, port, rate_limit, request_timeout_seconds, workers",
                e.getMessage().replace('\\', '/'));
        InferenceConfigException top = assertThrows(InferenceConfigException.class,
                () -> InferenceConfig.parse("serving: {}\n", FILE));
        assertEquals("serving", top.key());
    }

    @Test
    void badValuesSayWhatToUse() {
        InferenceConfigException port = assertThrows(InferenceConfigException.class,
                () -> InferenceConfig.parse("api: {port: 70000}\n", FILE));
        assertEquals("api.port: 70000 in config/inference-config.yaml is not valid; use a TCP port in 0..65535 (0 picks a free "
                + "one)", port.getMessage().replace('\\', '/'));
        InferenceConfigException device = assertThrows(InferenceConfigException.class,
                () -> InferenceConfig.parse("model: {device: tpu}\n", FILE));
        assertEquals("model.device", device.key());
        assertThrows(InferenceConfigException.class, () -> InferenceConfig.parse("inference: {top_p: 0}\n", FILE));
        assertThrows(InferenceConfigException.class, () -> InferenceConfig.parse("api: [1, 2]\n", FILE));
        assertThrows(InferenceConfigException.class, () -> InferenceConfig.parse("model: {name: [\n", FILE));
    }
}
