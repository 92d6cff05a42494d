package org.den4j.coder.lm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.den4j.coder.CoderInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JSON settings files of the LM coder folders: written, read back, and a missing one explained. */
class CoderFoldersTest {
    @TempDir
    Path tmp;

    @Test
    void settingsFilesRoundTripAsIndentedJsonWithTheirJsonNames() throws Exception {
        GenerateConfig generate = new GenerateConfig(GenerateConfig.DEFAULT_TEMPLATE, 128, 24, 0.25);
        LabelAttentionConfig attention = new LabelAttentionConfig(64, 32, 3, "lora",
                List.of("ICD-10-CM|E11.9", "ICD-10-CM|I50.23"));
        generate.write(tmp);
        attention.write(tmp);
        assertEquals(generate, GenerateConfig.read(tmp));
        assertEquals(attention, LabelAttentionConfig.read(tmp));
        String text = Files.readString(tmp.resolve(GenerateConfig.FILE_NAME));
        assertTrue(text.contains("\n  \"prompt_template\" : "), text);
        assertTrue(text.endsWith("}\n"), text);
    }

    @Test
    void aMissingSettingsFileSaysTheCoderIsIncompleteAndHowToTrainItAgain() {
        CoderInputException e = assertThrows(CoderInputException.class, () -> LabelAttentionConfig.read(tmp));
        assertEquals("Coder folder " + tmp + " has no label-attention.json; it is not a complete lm-label-attention "
                + "coder: train it again with ./jbang train-coder --coder lm-label-attention", e.getMessage());
        e = assertThrows(CoderInputException.class, () -> GenerateConfig.read(tmp));
        assertEquals("Coder folder " + tmp + " has no generate.json; it is not a complete lm-generate coder: train it "
                + "again with ./jbang train-coder --coder lm-generate", e.getMessage());
    }
}
