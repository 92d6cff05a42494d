/**
 * One way to build a den4j command: {@link org.den4j.command.Commands#line(Object)} installs the shared
 * error policy (exit codes from the exception type, one-line errors, {@code -v}/{@code --verbose} for the
 * stack trace), and the mixins give the options every command spells the same way.
 */
package org.den4j.command;
