/** The den server: a den exposed over HTTP with API keys, for the {@code http} den type and for curl. */
package org.den4j.serve.den;
