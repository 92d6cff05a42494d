package org.den4j.den.internal;

import java.util.List;
import org.den4j.den.format.AliasDoc;
import org.den4j.den.format.VersionDoc;

/**
 * The registry as of a journal position, cached on disk so that a new process need not read every
 * document.
 *
 * @param position the journal position the snapshot includes
 * @param versions version documents
 * @param aliases alias documents
 */
public record RegistrySnapshot(long position, List<Entry<VersionDoc>> versions, List<Entry<AliasDoc>> aliases) {
    /**
     * One cached document.
     *
     * @param key its key
     * @param etag its etag when read
     * @param doc its parsed content
     */
    public record Entry<T>(String key, String etag, T doc) {
    }
}
