package org.den4j.data.internal;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/** Opening DuckDB files for reading. */
public final class DuckDbFiles {
    private DuckDbFiles() {
    }

    /**
     * Opens {@code file} read-only, so other processes may read it too; when this JVM already has it open
     * read-write (DuckDB refuses a second configuration of a file in one process), shares that instead.
     */
    public static Connection openForReading(Path file) throws SQLException {
        Properties readOnly = new Properties();
        readOnly.setProperty("duckdb.read_only", "true");
        String url = "jdbc:duckdb:" + file.toAbsolutePath();
        try {
            return DriverManager.getConnection(url, readOnly);
        } catch (SQLException e) {
            if (e.getMessage() != null && e.getMessage().contains("different configuration")) {
                return DriverManager.getConnection(url);
            }
            throw e;
        }
    }
}
