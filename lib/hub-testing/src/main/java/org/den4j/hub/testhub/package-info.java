/**
 * A loopback server that speaks the Hugging Face Hub's download protocol, for tests, notebooks
 * and benchmarks that must not reach the internet; not a production server.
 */
package org.den4j.hub.testhub;
