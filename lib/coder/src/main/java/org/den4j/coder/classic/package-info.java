/**
 * The classical coders: kinds {@code linear} (one-vs-rest linear SVM or logistic regression over TF-IDF) and
 * {@code naive-bayes} (multinomial naive Bayes over TF-IDF, updatable), both with thresholds per code tuned on the
 * validation split.
 */
package org.den4j.coder.classic;
