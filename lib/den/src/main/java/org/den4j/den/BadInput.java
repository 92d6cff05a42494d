package org.den4j.den;

/**
 * Marks an exception caused by the caller's input (a name, a reference, a file, an option or an
 * environment variable value) rather than by the system or a bug.
 *
 * <p>Every module marks its bad-input exceptions with this interface, without depending on a
 * command-line library; den4j's commands ({@code org.den4j.command.Commands}) exit with 2 for them,
 * and with 1 for other failures. It has no methods: the exception's message names the value and the fix.
 */
public interface BadInput {
}
