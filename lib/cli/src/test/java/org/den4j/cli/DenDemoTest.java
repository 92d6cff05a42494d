package org.den4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.den4j.den.Den;
import org.den4j.den.ModelInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DenDemoTest {
    @TempDir
    Path tmp;

    @Test
    void demoPushesABaseAndADerivativeAndARerunReusesThem() {
        try (Den den = Den.at(tmp.resolve("den"))) {
            StringWriter first = new StringWriter();
            Path fetched = new DenDemo(new PrintWriter(first)).run(den);
            assertTrue(Files.isRegularFile(fetched.resolve("adapter_model.safetensors")));
            ModelInfo tune = den.show(DenDemo.FINE_TUNE);
            assertEquals(den.show(DenDemo.BASE).digest(), tune.parent());
            assertTrue(first.toString().contains("== Step 6: the lineage of demo/icd-coder-lora@1\n"
                    + "demo/qwen2-tiny@1  "), first.toString());
            assertTrue(first.toString().contains("\n└── demo/icd-coder-lora@1  "), first.toString());

            StringWriter second = new StringWriter();
            assertEquals(fetched, new DenDemo(new PrintWriter(second)).run(den));
            assertTrue(second.toString().contains("already present (same bytes as before), no new version"));
            assertEquals(2, den.list().size());
        }
    }
}
