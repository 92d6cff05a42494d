/**
 * The main job ({@link org.den4j.pipeline.Pipeline}) and the wiring between {@code org.den4j.data} (MIMIC in DuckDB,
 * token sets, the training configuration) and {@code org.den4j.lm} (the Qwen2 engine, LoRA, the embedded model
 * kit), which do not know each other: {@link org.den4j.pipeline.FineTune} is what {@code ./jbang train} runs.
 */
package org.den4j.pipeline;
