/** The coder's commands ({@code predict}); scripts in scripts/ call them. */
package org.den4j.coder.cli;
