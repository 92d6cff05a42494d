package org.den4j.den;

import java.time.Instant;

/**
 * One entry of an alias's history.
 *
 * @param alias the alias, for example {@code prod}
 * @param version the version it pointed to after the change, or 0 when removed
 * @param previous the version it pointed to before, or 0 when new
 * @param at when it changed
 * @param user who changed it (the OS user name)
 */
public record AliasChange(String alias, int version, int previous, Instant at, String user) {
}
