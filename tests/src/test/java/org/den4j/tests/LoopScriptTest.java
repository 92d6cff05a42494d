package org.den4j.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./jbang loop} as a user runs it: {@code tenant add} on the embedded PostgreSQL prints only the key,
 * and bad input is one line on stderr with exit code 2. The server is tested in-process in lib/loop.
 */
class LoopScriptTest {
    @TempDir
    Path tmp;

    @Test
    void tenantAddPrintsOnlyTheKeyAndBadInputExitsTwo() {
        Jbang jbang = Jbang.inRepo();
        Path data = tmp.resolve("loop-data");
        Jbang.Result added = jbang.run("loop", "tenant", "add", "clinic", "--data-dir", data.toString());
        assertEquals(0, added.exitCode(), added::toString);
        assertTrue(added.stdout().matches("den4j_[A-Za-z0-9_-]{43}\n"), added::toString);
        assertTrue(Files.isRegularFile(data.resolve("pgdata/postgresql.conf")), "the data folder is kept");
        assertTrue(Files.notExists(data.resolve("den4j-loop.url")), "no server runs after the command");

        Jbang.Result again = jbang.run("loop", "tenant", "add", "clinic", "--data-dir", data.toString());
        assertEquals(2, again.exitCode(), again::toString);
        assertEquals("loop: Tenant 'clinic' exists already; choose another name\n", again.stderr());

        Jbang.Result badName = jbang.run("loop", "tenant", "add", "Bad Name", "--data-dir", data.toString());
        assertEquals(2, badName.exitCode(), badName::toString);
        assertTrue(badName.stderr().startsWith("loop: Tenant name 'Bad Name' is not valid;"), badName::toString);
        assertEquals("", badName.stdout());

        Jbang.Result badUrl = jbang.run("loop", "tenant", "add", "x", "--db-url", "postgres://localhost/x");
        assertEquals(2, badUrl.exitCode(), badUrl::toString);
        assertTrue(badUrl.stderr().contains("is not a PostgreSQL JDBC URL"), badUrl::toString);
    }
}
