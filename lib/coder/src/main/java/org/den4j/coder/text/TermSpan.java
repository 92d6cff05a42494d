package org.den4j.coder.text;

/**
 * One occurrence of a vocabulary term in a text: characters {@code [start, end)}.
 *
 * @param feature the term's feature index
 * @param term the term as in the vocabulary (lower case; two words joined by a space for bigrams)
 * @param start first character
 * @param end one past the last character
 */
public record TermSpan(int feature, String term, int start, int end) {
}
