/** The {@code den} command line ({@link org.den4j.cli.DenCommand}), its exit codes, and the den demo. */
package org.den4j.cli;
