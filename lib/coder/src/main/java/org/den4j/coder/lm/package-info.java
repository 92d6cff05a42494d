/**
 * Language-model ICD coders over a Qwen2-family base: {@code lm-label-attention} (label-wise attention over the
 * backbone's hidden states, LAAT/PLM-ICD style) and {@code lm-generate} (the codes generated after a prompt,
 * decoding constrained to the code dictionary by a {@link org.den4j.coder.lm.CodeTrie}).
 */
package org.den4j.coder.lm;
