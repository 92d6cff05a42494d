/** Implementation of org.den4j.data: SQL, the ICD code catalog and the note writer; not a public API. */
package org.den4j.data.internal;
