/**
 * The den4j agent: sends a program's prefixed model loads (DJL {@code Criteria}, DJL Hugging Face
 * tokenizers, {@code den://} URLs) to the den, with {@code -javaagent} or in process through
 * {@link org.den4j.agent.DenInjection}.
 */
package org.den4j.agent;
