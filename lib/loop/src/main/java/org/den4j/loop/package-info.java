/** The feedback loop: a multi-tenant label, predict, annotate and train server on PostgreSQL. */
package org.den4j.loop;
