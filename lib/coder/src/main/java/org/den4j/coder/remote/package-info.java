/**
 * Remote inference: a small OpenAI-compatible client over {@code java.net.http} (chat completions, timeouts, retries)
 * and a coder that asks any OpenAI-compatible server (LM Studio, llama.cpp's server, vLLM, den4j's own) for codes.
 */
package org.den4j.coder.remote;
