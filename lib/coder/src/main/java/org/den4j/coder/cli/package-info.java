/**
 * The coder's commands ({@code predict}, {@code train-coder}, {@code evaluate}, {@code bench-coder}): picocli front
 * ends over the library; scripts in scripts/ call them.
 */
package org.den4j.coder.cli;
