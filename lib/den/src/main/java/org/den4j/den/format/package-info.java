/**
 * The den's storage format, on disk and on the wire: document keys ({@link org.den4j.den.format.DocumentKey}),
 * version and alias records, manifest JSON, the JSON mappers documents are written with, and SHA-256,
 * which names every blob and manifest. Backends, the den server and the local cache all read and
 * write dens through these types, so the layout is spelled out once.
 */
package org.den4j.den.format;
