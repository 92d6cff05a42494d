/** The embedded model kit: builds den4j's own small Qwen2 base model (tokenizer, config, weights) from notes, and exports models. */
package org.den4j.lm.kit;
