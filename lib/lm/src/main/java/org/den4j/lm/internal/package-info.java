/** Implementation details of the engine; not a public API. */
package org.den4j.lm.internal;
