/** Implementation of the Hub client; not an API, may change without notice. */
package org.den4j.hub.internal;
