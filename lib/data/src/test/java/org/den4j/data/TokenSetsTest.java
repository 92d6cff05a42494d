package org.den4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenSetsTest {
    @TempDir
    Path dir;

    @Test
    void readsASplitAsRecordsInAdmissionOrder() throws Exception {
        Path db = dir.resolve(TokenSets.FILE_NAME);
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + db); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE tokens_train (hadm_id BIGINT, input_ids INTEGER[], attention_mask INTEGER[], "
                    + "label_mask INTEGER[], prompt_text VARCHAR, completion_text VARCHAR)");
            s.execute("INSERT INTO tokens_train VALUES (20, [5, 6, 7], [1, 1, 1], [0, 1, 1], 'p2', '401.9'), "
                    + "(10, [1, 2], [1, 1], [0, 1], 'p1', '250.00')");
        }
        List<TokenizedExample> train = TokenSets.read(dir, "train");
        assertEquals(2, train.size());
        assertEquals(10, train.get(0).hadmId());
        assertArrayEquals(new int[] {5, 6, 7}, train.get(1).inputIds());
        assertArrayEquals(new int[] {0, 1, 1}, train.get(1).labelMask());
        assertEquals(2, train.get(1).completionLength());
        assertEquals("401.9", train.get(1).completionText());

        DataException e = assertThrows(DataException.class, () -> TokenSets.read(db, "test"));
        assertEquals(db + " has no table tokens_test; it was not written by prepare-tokens, or the run failed: "
                + "run ./jbang prepare-tokens again", e.getMessage());
    }

    @Test
    void missingFileAndUnknownSplitAreNamed() {
        DataException e = assertThrows(DataException.class, () -> TokenSets.read(dir.resolve("x.duckdb"), "train"));
        assertTrue(e.getMessage().startsWith("Tokenized training sets " + dir.resolve("x.duckdb") + " do not exist"),
                e.getMessage());
        e = assertThrows(DataException.class, () -> TokenSets.read(dir, "dev"));
        assertEquals("'dev' is not a split; use one of train, validation, test", e.getMessage());
    }
}
