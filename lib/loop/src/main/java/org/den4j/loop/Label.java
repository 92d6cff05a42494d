package org.den4j.loop;

/**
 * A label of a label set, with its place in the hierarchy.
 *
 * @param name the label as annotations carry it
 * @param parent the parent label, or null at the top
 * @param path the PostgreSQL {@code ltree} path from the top, for example {@code circulatory.I10}
 */
public record Label(String name, String parent, String path) {
}
