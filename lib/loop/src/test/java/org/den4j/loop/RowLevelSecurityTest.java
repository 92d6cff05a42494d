package org.den4j.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RowLevelSecurityTest {
    private static String url;
    private static LoopDatabase db;
    private static Tenants tenants;

    @BeforeAll
    static void open() {
        url = TestPostgres.newDatabase("rls");
        db = LoopDatabase.open(LoopDatabase.Location.url(url), 4);
        tenants = new Tenants(db);
    }

    @AfterAll
    static void close() {
        db.close();
    }

    private static List<String> tenantTables(Connection c) throws java.sql.SQLException {
        List<String> tables = new ArrayList<>();
        try (ResultSet rs = c.createStatement().executeQuery("SELECT c.relname FROM pg_class c JOIN pg_namespace n "
                + "ON n.oid = c.relnamespace WHERE n.nspname = 'den4j_loop' AND c.relkind = 'r' "
                + "AND c.relname <> 'flyway_schema_history' ORDER BY 1")) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        }
        return tables;
    }

    @Test
    void everyTenantTableReadsEmptyWithNoTenantSet() throws Exception {
        NewKey a = tenants.add("empty-a");
        Caller caller = tenants.authenticate(a.key());
        assertEquals("empty-a", caller.tenant());
        List<String> tables = db.withoutTenant(RowLevelSecurityTest::tenantTables);
        assertTrue(tables.size() >= 13, "tables: " + tables);
        for (String table : tables) {
            long rows = db.withoutTenant(c -> {
                try (ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM " + table)) {
                    rs.next();
                    return rs.getLong(1);
                }
            });
            assertEquals(0, rows, table + " read as the application role with no tenant");
        }
        long own = db.inTenant(caller.tenantId(), c -> {
            try (ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM api_keys")) {
                rs.next();
                return rs.getLong(1);
            }
        });
        assertEquals(1, own);
    }

    @Test
    void everyTableHasTenantIdAndForcedSecurityAndTheAppRoleOwnsNothing() throws Exception {
        try (Connection c = DriverManager.getConnection(url);
             ResultSet rs = c.createStatement().executeQuery("SELECT c.relname, c.relrowsecurity, "
                     + "c.relforcerowsecurity, pg_get_userbyid(c.relowner), EXISTS (SELECT 1 FROM "
                     + "information_schema.columns k WHERE k.table_schema = 'den4j_loop' AND k.table_name = c.relname "
                     + "AND k.column_name IN ('tenant_id', 'id')) FROM pg_class c JOIN pg_namespace n ON "
                     + "n.oid = c.relnamespace WHERE n.nspname = 'den4j_loop' AND c.relkind = 'r' AND c.relname <> "
                     + "'flyway_schema_history'")) {
            int n = 0;
            while (rs.next()) {
                n++;
                String table = rs.getString(1);
                assertTrue(rs.getBoolean(2), table + " has RLS enabled");
                assertTrue(rs.getBoolean(3), table + " has RLS forced");
                assertFalse(rs.getString(4).equals(LoopDatabase.APP_ROLE), table + " not owned by the app role");
                assertTrue(rs.getBoolean(5), table);
            }
            assertTrue(n >= 13);
            ResultSet r = c.createStatement().executeQuery("SELECT rolbypassrls, rolsuper FROM pg_roles WHERE rolname "
                    + "IN ('den4j_loop_app', 'den4j_loop_queue')");
            while (r.next()) {
                assertFalse(r.getBoolean(1));
                assertFalse(r.getBoolean(2));
            }
        }
    }

    @Test
    void ownerInstalledSchemaStillFiltersTheOwner() throws Exception {
        String other = TestPostgres.newDatabase("owner");
        TestPostgres.exec(other, "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'loop_owner') "
                + "THEN CREATE ROLE loop_owner LOGIN CREATEROLE PASSWORD 'owner'; END IF; END $$",
                "GRANT CREATE ON DATABASE " + other.substring(other.lastIndexOf('/') + 1).replaceAll("\\?.*", "")
                        + " TO loop_owner");
        String ownerUrl = other.replaceAll("user=[^&]*", "user=loop_owner").replaceAll("password=[^&]*", "")
                + "&password=owner";
        try (LoopDatabase owned = LoopDatabase.open(LoopDatabase.Location.url(ownerUrl), 2)) {
            NewKey key = new Tenants(owned).add("owned");
            assertTrue(key.key().startsWith("den4j_"));
        }
        try (Connection c = DriverManager.getConnection(ownerUrl); Statement s = c.createStatement()) {
            ResultSet owner = s.executeQuery("SELECT tableowner FROM pg_tables WHERE schemaname = 'den4j_loop' "
                    + "AND tablename = 'api_keys'");
            owner.next();
            assertEquals("loop_owner", owner.getString(1));
            ResultSet rs = s.executeQuery("SELECT count(*) FROM den4j_loop.api_keys");
            rs.next();
            assertEquals(0, rs.getLong(1), "the owner with no tenant set sees no keys (FORCE)");
        }
    }

    @Test
    void unknownKeysAreRefused() {
        LoopAccessException e = assertThrows(LoopAccessException.class,
                () -> tenants.authenticate("den4j_nosuchkeyatall"));
        assertEquals(401, e.status());
        assertTrue(e.getMessage().contains("unknown or revoked"), e.getMessage());
    }

    @Test
    void migrationsRunTwiceOnADatabaseWithOtherTables() throws Exception {
        String app = TestPostgres.newDatabase("existing");
        TestPostgres.exec(app, "CREATE TABLE public.customers (id int PRIMARY KEY, name text)",
                "INSERT INTO public.customers VALUES (1, 'kept')");
        assertTrue(LoopDatabase.migrate(app) >= 1);
        assertEquals(0, LoopDatabase.migrate(app));
        try (Connection c = DriverManager.getConnection(app); Statement s = c.createStatement()) {
            ResultSet rs = s.executeQuery("SELECT name FROM public.customers");
            rs.next();
            assertEquals("kept", rs.getString(1));
            ResultSet tables = s.executeQuery("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'");
            tables.next();
            assertEquals(1, tables.getLong(1), "nothing added to public");
        }
    }
}
