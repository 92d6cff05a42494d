/** Implementation of the benchmarks; not an API, may change without notice. */
package org.den4j.bench.internal;
