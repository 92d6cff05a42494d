package org.den4j.hub.testhub;

/**
 * A file as the hub stores it.
 *
 * @param content the file's bytes
 * @param gitId the Git blob id: of the bytes, or of the LFS pointer for an LFS file
 * @param sha256 the SHA-256 of the bytes for an LFS file, {@code null} for a plain Git file
 * @param pointerSize the size of the LFS pointer file, 0 for a plain Git file
 */
record Blob(Content content, String gitId, String sha256, int pointerSize) {

    static Blob of(Content content, boolean lfs) {
        if (!lfs) {
            return new Blob(content, GitObjects.blobId(content), null, 0);
        }
        String sha256 = GitObjects.sha256(content);
        byte[] pointer = GitObjects.lfsPointer(sha256, content.size());
        return new Blob(content, GitObjects.blobId(pointer), sha256, pointer.length);
    }

    long size() {
        return content.size();
    }

    boolean lfs() {
        return sha256 != null;
    }
}
