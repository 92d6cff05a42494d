/** The picocli commands behind {@code ./jbang synth-mimic}, {@code prepare-mimic} and {@code prepare-tokens}. */
package org.den4j.data.cli;
