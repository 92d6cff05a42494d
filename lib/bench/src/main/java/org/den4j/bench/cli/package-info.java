/** The {@code bench-*} commands (picocli); the scripts in {@code scripts/} only run them. */
package org.den4j.bench.cli;
