/** Implementation of the den; not an API, may change without notice. */
package org.den4j.den.internal;
