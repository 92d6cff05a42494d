/** The coder API's command, {@code serve-api}. */
package org.den4j.serve.api.cli;
