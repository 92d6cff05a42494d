/**
 * Starting a Java program, JBang script or JShell as a child process, with or without the den4j agent
 * ({@link org.den4j.cli.launch.InjectedLaunch}); behind {@code den run}.
 */
package org.den4j.cli.launch;
