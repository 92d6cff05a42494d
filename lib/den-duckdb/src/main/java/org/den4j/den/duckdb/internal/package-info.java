/** Implementation of the DuckDB registry index; not an API, may change without notice. */
package org.den4j.den.duckdb.internal;
