/**
 * Measuring coders: multi-label metrics, paired comparisons of two coders on the same notes (bootstrap interval
 * and McNemar's test), and the evaluation of coders on a split with its negation report.
 */
package org.den4j.coder.eval;
