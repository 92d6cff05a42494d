/** GGUF v3 files (llama.cpp's model format): writing, reading back, and export of Qwen2 Hugging Face folders. */
package org.den4j.lm.gguf;
