/** Byte-level BPE tokenizers in pure Java: training on a corpus, encoding, and Hugging Face tokenizer.json files. */
package org.den4j.lm.tokenizer;
