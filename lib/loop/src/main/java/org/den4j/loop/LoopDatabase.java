package org.den4j.loop;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The loop's PostgreSQL database: its schema, a connection pool that works as the application role, and
 * transactions scoped to one tenant.
 *
 * <p>Opening it installs or upgrades the schema {@value #SCHEMA} with Flyway (the migrations under
 * {@code db/loop}; nothing outside that schema is touched except the two NOLOGIN roles {@value #APP_ROLE} and
 * {@value #QUEUE_ROLE}), then checks that the application role can neither bypass row-level security nor owns
 * the tables. Every pooled connection switches to {@value #APP_ROLE} when it is made; every unit of work
 * runs in one transaction whose tenant is set with {@code set_config('den4j.tenant', id, true)}, which
 * PostgreSQL forgets at commit or rollback, so a pooled connection never carries a tenant to the next user.
 *
 * <pre>{@code
 * try (LoopDatabase db = LoopDatabase.open(LoopDatabase.Location.embedded(Path.of("/var/den4j/loop")))) {
 *     long sets = db.inTenant(tenantId, c -> count(c, "SELECT count(*) FROM label_sets"));
 * }
 * }</pre>
 *
 * <p>Whoever opens it closes it; closing closes the pool and stops the embedded server if it started one.
 */
public final class LoopDatabase implements AutoCloseable {
    /** The schema the loop installs and keeps all its tables in. */
    public static final String SCHEMA = "den4j_loop";
    /** The role every request runs as: subject to row-level security, owner of nothing. */
    public static final String APP_ROLE = "den4j_loop_app";
    /** The role a worker takes for the one statement that claims the next job of any tenant. */
    public static final String QUEUE_ROLE = "den4j_loop_queue";
    /** The file in an embedded data folder that holds the running server's JDBC URL. */
    public static final String URL_FILE = "den4j-loop.url";

    private final EmbeddedPostgres embedded;
    private final Path urlFile;
    private final String url;
    private final HikariDataSource pool;

    /**
     * Where the database is: a JDBC URL of an existing PostgreSQL, or an embedded server's data folder.
     *
     * @param jdbcUrl {@code jdbc:postgresql://host:port/db?user=...&password=...}, or null for embedded
     * @param dataDirectory the embedded server's data folder (kept across restarts), used when jdbcUrl is null
     */
    public record Location(String jdbcUrl, Path dataDirectory) {
        public Location {
            if (jdbcUrl == null && dataDirectory == null) {
                throw new LoopInputException("Give a --db-url or a data folder for the embedded PostgreSQL");
            }
            if (jdbcUrl != null && !jdbcUrl.startsWith("jdbc:postgresql:")) {
                throw new LoopInputException("--db-url " + jdbcUrl + " is not a PostgreSQL JDBC URL; write "
                        + "jdbc:postgresql://HOST:PORT/DATABASE?user=USER&password=PASSWORD");
            }
        }

        /** An existing PostgreSQL at {@code jdbcUrl}. */
        public static Location url(String jdbcUrl) {
            return new Location(Objects.requireNonNull(jdbcUrl, "jdbcUrl"), null);
        }

        /** The embedded PostgreSQL whose data lives in {@code dataDirectory}. */
        public static Location embedded(Path dataDirectory) {
            return new Location(null, Objects.requireNonNull(dataDirectory, "dataDirectory"));
        }
    }

    /** One unit of work on a connection inside a transaction. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private LoopDatabase(EmbeddedPostgres embedded, Path urlFile, String url, int poolSize) {
        this.embedded = embedded;
        this.urlFile = urlFile;
        this.url = url;
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setPoolName("den4j-loop");
        config.setMaximumPoolSize(poolSize);
        config.setAutoCommit(false);
        config.setConnectionInitSql("SET ROLE " + APP_ROLE + "; SET search_path TO " + SCHEMA + ", public");
        this.pool = new HikariDataSource(config);
    }

    /**
     * Opens the database at {@code location} with a pool of 10 connections; see
     * {@link #open(Location, int)}.
     */
    public static LoopDatabase open(Location location) {
        return open(location, 10);
    }

    /**
     * Opens the database: starts the embedded server on its data folder (or joins the one another process
     * of this machine already runs there), installs or upgrades the schema, and checks the roles.
     *
     * @throws LoopException when the server cannot be reached or started, or a migration fails
     */
    public static LoopDatabase open(Location location, int poolSize) {
        EmbeddedPostgres embedded = null;
        Path urlFile = null;
        String url = location.jdbcUrl();
        try {
            if (url == null) {
                Path dir = location.dataDirectory().toAbsolutePath();
                url = runningEmbedded(dir);
                if (url == null) {
                    embedded = startEmbedded(dir.resolve("pgdata"));
                    url = embedded.getJdbcUrl("postgres", "postgres");
                    urlFile = dir.resolve(URL_FILE);
                    Path tmp = dir.resolve(URL_FILE + ".tmp");
                    Files.writeString(tmp, url, StandardCharsets.UTF_8);
                    Files.move(tmp, urlFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                }
            }
            migrate(url);
            LoopDatabase db = new LoopDatabase(embedded, urlFile, url, poolSize);
            try {
                db.checkRoles();
            } catch (RuntimeException e) {
                db.close();
                throw e;
            }
            return db;
        } catch (IOException | RuntimeException e) {
            if (embedded != null) {
                try {
                    embedded.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            if (e instanceof LoopException le) {
                throw le;
            }
            throw new LoopException("Cannot open the loop database " + describe(location) + ": " + e.getMessage(), e);
        }
    }

    private static String describe(Location location) {
        return location.jdbcUrl() != null ? redact(location.jdbcUrl())
                : "(embedded PostgreSQL in " + location.dataDirectory() + ")";
    }

    /** The URL without its password, for messages. */
    static String redact(String url) {
        return url.replaceAll("password=[^&]*", "password=***");
    }

    private static String runningEmbedded(Path dir) throws IOException {
        Path file = dir.resolve(URL_FILE);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        String url = Files.readString(file, StandardCharsets.UTF_8).trim();
        try (Connection c = DriverManager.getConnection(url)) {
            return url;
        } catch (SQLException stale) {
            return null;
        }
    }

    private static EmbeddedPostgres startEmbedded(Path pgdata) throws IOException {
        Files.createDirectories(pgdata.getParent());
        // A fixed data folder that is never cleaned: zonky runs initdb only when postgresql.conf is missing,
        // so a restart finds its tenants, observations and models again.
        return EmbeddedPostgres.builder()
                .setDataDirectory(pgdata)
                .setCleanDataDirectory(false)
                .setRegisterShutdownHook(true)
                .setServerConfig("max_connections", "200")
                .start();
    }

    /**
     * Installs or upgrades the schema {@value #SCHEMA} at {@code jdbcUrl} (idempotent: applied migrations
     * are skipped).
     *
     * @return how many migrations ran now
     */
    public static int migrate(String jdbcUrl) {
        PGSimpleDataSource source = new PGSimpleDataSource();
        source.setURL(jdbcUrl);
        try {
            MigrateResult result = Flyway.configure(LoopDatabase.class.getClassLoader())
                    .dataSource(source)
                    .schemas(SCHEMA)
                    .defaultSchema(SCHEMA)
                    .createSchemas(true)
                    .locations("classpath:db/loop")
                    .load()
                    .migrate();
            return result.migrationsExecuted;
        } catch (RuntimeException e) {
            throw new LoopException("Installing the schema " + SCHEMA + " into " + redact(jdbcUrl) + " failed: "
                    + e.getMessage() + " (the user needs CREATE on the database and CREATEROLE, or a DBA creates "
                    + "the roles " + APP_ROLE + " and " + QUEUE_ROLE + " and grants them to it)", e);
        }
    }

    private void checkRoles() {
        withoutTenant(c -> {
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT current_user, r.rolbypassrls, r.rolsuper, "
                         + "(SELECT tableowner FROM pg_tables WHERE schemaname = '" + SCHEMA
                         + "' AND tablename = 'observations') FROM pg_roles r WHERE r.rolname = current_user")) {
                rs.next();
                if (rs.getBoolean(2) || rs.getBoolean(3) || rs.getString(1).equals(rs.getString(4))) {
                    throw new LoopException("The application role " + rs.getString(1) + " bypasses row-level "
                            + "security or owns the loop's tables; it must be " + APP_ROLE + " (NOBYPASSRLS, owner of "
                            + "nothing)");
                }
            }
            return null;
        });
    }

    /** The JDBC URL of the database (with its credentials: do not print it; see {@link #redact}). */
    public String jdbcUrl() {
        return url;
    }

    /** True when this process started the embedded server. */
    public boolean startedEmbedded() {
        return embedded != null;
    }

    /** Runs {@code work} in one transaction with the tenant {@code tenantId} set; commits on return. */
    public <T> T inTenant(long tenantId, Work<T> work) {
        return transaction(c -> {
            setting(c, "den4j.tenant", Long.toString(tenantId));
            return work.run(c);
        });
    }

    /** Runs {@code work} in one transaction with no tenant set: every tenant table reads empty. */
    public <T> T withoutTenant(Work<T> work) {
        return transaction(work);
    }

    /** Runs {@code work} in one transaction as {@value #QUEUE_ROLE}, which sees only the jobs of every tenant. */
    public <T> T asQueue(Work<T> work) {
        return transaction(c -> {
            try (Statement s = c.createStatement()) {
                s.execute("SET LOCAL ROLE " + QUEUE_ROLE);
            }
            return work.run(c);
        });
    }

    /** Sets a transaction-local setting (gone at commit or rollback). */
    static void setting(Connection c, String name, String value) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT set_config(?, ?, true)")) {
            ps.setString(1, name);
            ps.setString(2, value);
            ps.executeQuery().close();
        }
    }

    private <T> T transaction(Work<T> work) {
        try (Connection c = pool.getConnection()) {
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new LoopException("Database work failed on " + redact(url) + ": " + e.getMessage(), e);
        }
    }

    /**
     * A new connection outside the pool, as {@value #APP_ROLE}, in auto-commit mode: for {@code LISTEN}.
     * The caller closes it.
     */
    public Connection newListenerConnection() throws SQLException {
        Connection c = DriverManager.getConnection(url);
        try (Statement s = c.createStatement()) {
            s.execute("SET ROLE " + APP_ROLE);
        }
        return c;
    }

    /** Closes the pool, then stops the embedded server if this process started it. */
    @Override
    public void close() {
        try {
            pool.close();
        } finally {
            if (embedded != null) {
                try {
                    if (urlFile != null) {
                        Files.deleteIfExists(urlFile);
                    }
                    embedded.close();
                } catch (IOException e) {
                    throw new LoopException("Cannot stop the embedded PostgreSQL: " + e.getMessage(), e);
                }
            }
        }
    }

    @Override
    public String toString() {
        return "LoopDatabase[" + redact(url) + "]";
    }
}
