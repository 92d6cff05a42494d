package org.den4j.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.den4j.data.internal.DuckDbFiles;

/**
 * Reads the tokenized training sets that {@code prepare-tokens} writes: {@code tokens.duckdb} with tables
 * {@code tokens_train}, {@code tokens_validation} and {@code tokens_test}.
 *
 * <pre>{@code
 * List<TokenizedExample> train = TokenSets.read(Path.of("data/tokens/tokens.duckdb"), "train");
 * }</pre>
 *
 * <p>The database is opened read-only and closed before the method returns.
 */
public final class TokenSets {
    /** The split names, in order. */
    public static final List<String> SPLITS = List.of("train", "validation", "test");
    /** The file name {@code prepare-tokens} writes in its output folder. */
    public static final String FILE_NAME = "tokens.duckdb";

    private TokenSets() {
    }

    /** The table that holds a split, such as {@code tokens_train}. */
    public static String table(String split) {
        checkSplit(split);
        return "tokens_" + split;
    }

    /**
     * Reads one split, ordered by {@code hadm_id}.
     *
     * @param database {@code tokens.duckdb}, or the folder that holds it
     * @param split {@code train}, {@code validation} or {@code test}
     * @throws DataException when the file or the table is missing, naming both and the command that writes them
     */
    public static List<TokenizedExample> read(Path database, String split) {
        Objects.requireNonNull(database, "database");
        checkSplit(split);
        Path file = Files.isDirectory(database) ? database.resolve(FILE_NAME) : database;
        if (!Files.isRegularFile(file)) {
            throw new DataInputException("Tokenized training sets " + file + " do not exist; write them with "
                    + "./jbang prepare-tokens --output-dir " + (file.getParent() == null ? "." : file.getParent()));
        }
        String table = table(split);
        try (Connection c = DuckDbFiles.openForReading(file);
                Statement s = c.createStatement()) {
            try (ResultSet t = s.executeQuery("SELECT count(*) FROM information_schema.tables WHERE table_name = '"
                    + table + "'")) {
                t.next();
                if (t.getLong(1) == 0) {
                    throw new DataInputException(file + " has no table " + table + "; it was not written by "
                            + "prepare-tokens, or the run failed: run ./jbang prepare-tokens again");
                }
            }
            List<TokenizedExample> out = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT hadm_id, input_ids, attention_mask, label_mask, prompt_text, "
                    + "completion_text FROM " + table + " ORDER BY hadm_id")) {
                while (rs.next()) {
                    out.add(new TokenizedExample(rs.getLong(1), ints(rs.getArray(2)), ints(rs.getArray(3)),
                            ints(rs.getArray(4)), rs.getString(5), rs.getString(6)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new DataException("Cannot read " + table + " from " + file + ": " + e.getMessage(), e);
        }
    }

    static int[] ints(Array array) throws SQLException {
        if (array == null) {
            return new int[0];
        }
        Object[] values = (Object[]) array.getArray();
        int[] out = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = ((Number) values[i]).intValue();
        }
        return out;
    }

    private static void checkSplit(String split) {
        if (!SPLITS.contains(split)) {
            throw new DataInputException("'" + split + "' is not a split; use one of " + String.join(", ", SPLITS));
        }
    }
}
