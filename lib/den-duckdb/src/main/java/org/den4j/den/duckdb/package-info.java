/** A registry index for the den that answers searches with SQL in DuckDB ({@code DEN4J_REGISTRY_INDEX=duckdb}). */
package org.den4j.den.duckdb;
