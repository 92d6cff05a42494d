package org.den4j.den.duckdb;

import java.sql.Connection;
import java.sql.Statement;
import java.util.Properties;
import org.duckdb.DuckDBDriver;

/**
 * A second process for tests: opens a DuckDB file for writing, which takes its lock, prints
 * {@value #READY}, and holds the file until its standard input closes.
 */
public final class IndexFileHolder {
    static final String READY = "holding";

    private IndexFileHolder() {
    }

    public static void main(String[] args) throws Exception {
        try (Connection c = new DuckDBDriver().connect("jdbc:duckdb:" + args[0], new Properties());
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS held_by_another_process (x INTEGER)");
            System.out.println(READY);
            System.out.flush();
            while (System.in.read() >= 0) {
                // hold until the test closes our input
            }
        }
    }
}
