package org.den4j.den;

/**
 * What garbage collection removed.
 *
 * @param blobsRemoved unreferenced blobs deleted
 * @param bytesFreed bytes freed by deleting blobs and temporary files
 * @param tempEntriesRemoved stale temporary files and directories of pushes that died
 * @param snapshotsRemoved fetched model directories of models that no longer exist
 */
public record GcReport(int blobsRemoved, long bytesFreed, int tempEntriesRemoved, int snapshotsRemoved) {
}
