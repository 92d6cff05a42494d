/**
 * MIMIC-III and MIMIC-IV (or a synthetic MIMIC of the same shape) loaded into DuckDB, patient-level
 * splits, the training configuration, and tokenized prompt/completion training sets.
 */
package org.den4j.data;
