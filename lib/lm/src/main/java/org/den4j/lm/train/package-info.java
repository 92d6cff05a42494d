/**
 * The pieces of a training loop: the AdamW optimizer, the learning-rate schedule, checkpoint folders, the
 * divergence check, the memory probe, and {@link org.den4j.lm.train.TrainingListener}s for the metrics log and
 * the progress bar. {@link org.den4j.lm.Trainer} composes them; another loop (a classification head, say) can
 * reuse them.
 */
package org.den4j.lm.train;
