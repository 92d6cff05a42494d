/** Command lines over the engine (picocli), behind the {@code generate} script. */
package org.den4j.lm.cli;
