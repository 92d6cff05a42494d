/** Benchmarks of den4j operations, each measured against a reference tool in the same run. */
package org.den4j.bench;
