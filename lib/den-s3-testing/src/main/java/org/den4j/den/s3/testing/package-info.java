/** A real S3 server on loopback (s3proxy in a child JVM) for tests, notebooks and benchmarks. */
package org.den4j.den.s3.testing;
