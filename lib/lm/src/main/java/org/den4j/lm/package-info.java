/**
 * A Qwen2-family causal language model on DJL/PyTorch: loading Hugging Face folders, the forward
 * pass, generation with a KV cache, LoRA adapters compatible with PEFT, and a trainer.
 */
package org.den4j.lm;
