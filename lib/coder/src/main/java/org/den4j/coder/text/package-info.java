/**
 * Multi-label text classification over any set of string labels: TF-IDF features, one-vs-rest linear models,
 * multinomial naive Bayes with incremental updates, and per-label thresholds tuned on held-out texts.
 */
package org.den4j.coder.text;
