/**
 * The {@code s3} den type: a den in an S3-compatible object store through the AWS SDK for Java v2,
 * opened by {@link org.den4j.den.Den#open} when this module is on the class path.
 */
package org.den4j.den.s3;
