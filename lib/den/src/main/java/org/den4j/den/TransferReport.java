package org.den4j.den;

import java.util.List;

/**
 * What a {@link Den#sync sync} or {@link Den#move move} between dens did.
 *
 * @param copied the models as the target now names them ({@code name@version}), in copy order
 * @param alreadyThere models the target held already (same name and content)
 * @param blobsCopied blobs the target lacked, copied
 * @param bytesCopied their bytes
 * @param blobsSkipped blobs the target held already, not copied
 * @param bytesSkipped their bytes
 */
public record TransferReport(List<String> copied, List<String> alreadyThere, int blobsCopied, long bytesCopied,
        int blobsSkipped, long bytesSkipped) {
    public TransferReport {
        copied = List.copyOf(copied);
        alreadyThere = List.copyOf(alreadyThere);
    }
}
