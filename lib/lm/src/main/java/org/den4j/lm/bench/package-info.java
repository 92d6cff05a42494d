/** The language-model benchmark behind {@code ./jbang bench-lm}. */
package org.den4j.lm.bench;
