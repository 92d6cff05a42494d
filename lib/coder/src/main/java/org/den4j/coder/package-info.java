/**
 * ICD coders: the contract every coder keeps ({@link org.den4j.coder.IcdCoder}, {@link org.den4j.coder.Prediction}),
 * the code dictionary, the coder folder format and how coders are found ({@link org.den4j.coder.Coders}), and the
 * coding data of the DuckDB splits.
 */
package org.den4j.coder;
