/**
 * Model files in the ecosystem's own formats, in plain Java without DJL: safetensors (single or
 * sharded) and the Qwen2 {@code config.json}.
 */
package org.den4j.lm.io;
