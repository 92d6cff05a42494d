package org.den4j.den.s3;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;
import org.den4j.den.backend.BackendUnreachableException;
import org.den4j.den.backend.BlobStat;
import org.den4j.den.backend.DenBackend;
import org.den4j.den.backend.DocumentStat;
import org.den4j.den.backend.RetryPolicy;
import org.den4j.den.backend.StoredDocument;
import org.den4j.den.format.Sha256;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A den in an S3-compatible object store, with the same layout as a local den:
 *
 * <pre>
 * PREFIX/blobs/sha256/ab/abcd...      file contents, named by SHA-256
 * PREFIX/touched/abcd...              empty marker whose time is the blob's last reuse (for gc's grace)
 * PREFIX/docs/manifests/DIGEST.json   file lists
 * PREFIX/docs/models/NAME/@versions/N.json, PREFIX/docs/models/NAME/@aliases.json
 * PREFIX/quarantine/DIGEST-TIME       damaged blobs set aside by verify
 * </pre>
 *
 * <p>Documents are written with conditional requests: create-only is {@code If-None-Match: *} and
 * compare-and-swap is {@code If-Match: <etag>}, so two writers never lose an update; a server that
 * ignores them is detected on the first write and refused (see {@link #create}). Blobs that are
 * already stored are not uploaded again; large ones upload in parallel parts and download as parallel
 * ranged requests, each of which resumes from its last byte when a connection drops.
 *
 * <p>Thread-safe. The caller that opened it closes it, which closes the HTTP connections.
 */
public final class S3Backend implements DenBackend {
    /** Tries per range: the first, then after 100 ms, doubling, at most 2 s. */
    private static final RetryPolicy TRANSFER_RETRY = new RetryPolicy(6, Duration.ofMillis(100), Duration.ofSeconds(2));

    private final S3Settings settings;
    private final S3Client s3;
    private final ExecutorService transfers;
    private final Path localRoot;
    private volatile Boolean conditionalWrites;

    /**
     * Opens a client for the den the settings describe; nothing is requested until first use, so a den
     * that is offline still opens (its cache then serves what it holds).
     */
    public S3Backend(S3Settings settings) {
        this.settings = settings;
        this.s3 = client(settings);
        AtomicInteger n = new AtomicInteger();
        this.transfers = Executors.newFixedThreadPool(settings.threads(), r -> {
            Thread t = new Thread(r, "den-s3-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.localRoot = Path.of(System.getProperty("java.io.tmpdir"), "den4j-s3");
    }

    /** An S3 client for these settings; the caller closes it (used by the benchmark's reference download too). */
    public static S3Client client(S3Settings settings) {
        var builder = S3Client.builder()
                .credentialsProvider(credentials(settings.credentials()))
                .forcePathStyle(settings.pathStyle())
                // Checksums only where S3 requires them: S3-compatible servers (MinIO, Ceph, s3proxy) may not
                // understand the SDK's newer trailing checksums, and blobs are verified by SHA-256 anyway.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClientBuilder(ApacheHttpClient.builder().maxConnections(Math.max(16, settings.threads() * 4))
                        .connectionTimeout(Duration.ofSeconds(5)).socketTimeout(Duration.ofSeconds(60)));
        if (settings.endpoint() != null) {
            builder.endpointOverride(settings.endpoint());
        }
        builder.region(region(settings));
        return builder.build();
    }

    private static Region region(S3Settings settings) {
        if (settings.region() != null) {
            return Region.of(settings.region());
        }
        try {
            return new DefaultAwsRegionProviderChain().getRegion();
        } catch (SdkClientException e) {
            if (settings.endpoint() != null) {
                // S3-compatible servers accept any region in signatures.
                return Region.US_EAST_1;
            }
            throw new org.den4j.den.DenConfigException("region", "No AWS region for s3 den " + settings.location()
                    + "; set AWS_REGION, a region in ~/.aws/config, or option region in the backends file");
        }
    }

    private static AwsCredentialsProvider credentials(Map<String, String> c) {
        String key = c.get("access_key_id");
        String secret = c.get("secret_access_key");
        if (key != null || secret != null) {
            if (key == null || secret == null) {
                throw new org.den4j.den.DenConfigException("credentials", "s3 credentials need both access_key_id "
                        + "and secret_access_key (got only " + (key == null ? "secret_access_key" : "access_key_id") + ")");
            }
            String token = c.get("session_token");
            return StaticCredentialsProvider.create(token == null ? AwsBasicCredentials.create(key, secret)
                    : AwsSessionCredentials.create(key, secret, token));
        }
        if (c.containsKey("profile")) {
            return ProfileCredentialsProvider.create(c.get("profile"));
        }
        return DefaultCredentialsProvider.builder().build();
    }

    /** The settings it was opened with. */
    public S3Settings settings() {
        return settings;
    }

    @Override
    public String location() {
        return settings.location();
    }

    private String blobKey(String digest) {
        return settings.key("blobs/sha256/" + digest.substring(0, 2) + "/" + digest);
    }

    private String touchKey(String digest) {
        return settings.key("touched/" + digest);
    }

    private String docKey(String key) {
        if (key.startsWith("/") || key.contains("..") || key.contains("\\")) {
            throw new IllegalArgumentException("Document key " + key + " leaves the den");
        }
        return settings.key("docs/" + key);
    }

    // ---------------------------------------------------------------- errors

    private IOException failure(String what, SdkException e) {
        if (BackendUnreachableException.isUnreachable(e)) {
            return new BackendUnreachableException(location(), e);
        }
        if (e instanceof S3Exception s) {
            String code = s.awsErrorDetails() == null ? null : s.awsErrorDetails().errorCode();
            if ("NoSuchBucket".equals(code)) {
                return new IOException("Bucket " + settings.bucket() + " of den " + location() + " does not exist; "
                        + "create it (aws s3 mb s3://" + settings.bucket() + ") or fix the location", e);
            }
            if (s.statusCode() == 403) {
                return new IOException("Den " + location() + " refused " + what + " (403 " + code + "); check the "
                        + "credentials (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, profile, or the backends file) and "
                        + "their permissions", e);
            }
            return new IOException("Den " + location() + " failed " + what + ": " + s.statusCode() + " " + code + " "
                    + (s.awsErrorDetails() == null ? "" : s.awsErrorDetails().errorMessage()), e);
        }
        return new IOException("Den " + location() + " failed " + what + ": " + e.getMessage(), e);
    }

    private static boolean notFound(SdkException e) {
        return e instanceof S3Exception s && s.statusCode() == 404;
    }

    private static boolean preconditionFailed(SdkException e) {
        // 412: the condition did not hold; 409: a concurrent conditional write won (AWS asks to retry).
        return e instanceof S3Exception s && (s.statusCode() == 412 || s.statusCode() == 409);
    }

    // ---------------------------------------------------------------- blobs

    @Override
    public OptionalLong blobSize(String digest) throws IOException {
        try {
            HeadObjectResponse head = s3.headObject(b -> b.bucket(settings.bucket()).key(blobKey(digest)));
            return OptionalLong.of(head.contentLength());
        } catch (SdkException e) {
            if (notFound(e)) {
                return OptionalLong.empty();
            }
            throw failure("to look up blob " + digest, e);
        }
    }

    @Override
    public InputStream openBlob(String digest) throws IOException {
        try {
            return s3.getObject(b -> b.bucket(settings.bucket()).key(blobKey(digest)));
        } catch (SdkException e) {
            if (notFound(e)) {
                throw new NoSuchFileException(blobKey(digest), null, "blob is not in den " + location());
            }
            throw failure("to read blob " + digest, e);
        }
    }

    /**
     * Downloads a blob as parallel ranged requests of {@link S3Settings#rangeSize()} bytes written in place;
     * a request whose connection drops resumes from its last byte (up to 6 attempts per range).
     */
    @Override
    public void download(String digest, long size, Path target, LongConsumer progress) throws IOException {
        downloadWithDigest(digest, size, target, progress);
    }

    /**
     * Downloads as {@link #download} does and hashes each range, in order, as soon as it has landed (from the
     * page cache) while later ranges are still in flight.
     */
    @Override
    public String downloadWithDigest(String digest, long size, Path target, LongConsumer progress)
            throws IOException {
        String key = blobKey(digest);
        MessageDigest sha = Sha256.newDigest();
        try (FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            if (size <= settings.rangeSize()) {
                // One stream: hash the bytes as they arrive; a resumed request restarts the hash from the file.
                downloadRange(key, 0, size, out, progress, size == 0, sha);
            } else {
                List<Future<Void>> parts = new ArrayList<>();
                List<long[]> ranges = new ArrayList<>();
                for (long start = 0; start < size; start += settings.rangeSize()) {
                    long from = start;
                    long length = Math.min(settings.rangeSize(), size - start);
                    ranges.add(new long[] {from, length});
                    parts.add(transfers.submit(() -> {
                        downloadRange(key, from, length, out, progress, false, null);
                        return null;
                    }));
                }
                for (int i = 0; i < parts.size(); i++) {
                    await(parts.subList(i, i + 1), "download blob " + digest, parts);
                    hashRange(out, ranges.get(i)[0], ranges.get(i)[1], sha);
                }
            }
        }
        long actual = Files.size(target);
        if (actual != size) {
            throw new IOException("Blob " + digest + " of den " + location() + " has " + actual + " bytes, expected "
                    + size);
        }
        return java.util.HexFormat.of().formatHex(sha.digest());
    }

    private static void hashRange(FileChannel in, long start, long length, MessageDigest sha) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocateDirect((int) Math.min(1 << 20, Math.max(1, length)));
        long pos = start;
        long end = start + length;
        while (pos < end) {
            buffer.clear();
            buffer.limit((int) Math.min(buffer.capacity(), end - pos));
            int n = in.read(buffer, pos);
            if (n < 0) {
                throw new IOException("Downloaded file ended at byte " + pos + ", expected " + end);
            }
            buffer.flip();
            sha.update(buffer);
            pos += n;
        }
    }

    /**
     * Downloads {@code length} bytes from {@code start} into the file at the same offset, resuming after a
     * dropped connection; with {@code sha} (for a download from offset 0) hashes the bytes as they come.
     */
    private void downloadRange(String key, long start, long length, FileChannel out, LongConsumer progress,
            boolean whole, MessageDigest sha) throws IOException {
        long done = 0;
        IOException last = null;
        for (int attempt = 1; attempt <= TRANSFER_RETRY.attempts() && (done < length || whole); attempt++) {
            if (attempt > 1) {
                TRANSFER_RETRY.pause(attempt);
                if (sha != null) {
                    // Bring the hash up to what the file holds, then go on from there.
                    sha.reset();
                    hashRange(out, 0, start + done, sha);
                }
            }
            long from = start + done;
            String range = whole ? null : "bytes=" + from + "-" + (start + length - 1);
            try (ResponseInputStream<GetObjectResponse> in = s3.getObject(b -> b.bucket(settings.bucket()).key(key)
                    .range(range))) {
                byte[] buffer = new byte[256 << 10];
                int n;
                while ((n = in.read(buffer)) > 0) {
                    if (sha != null) {
                        sha.update(buffer, 0, n);
                    }
                    ByteBuffer bb = ByteBuffer.wrap(buffer, 0, n);
                    long pos = start + done;
                    while (bb.hasRemaining()) {
                        pos += out.write(bb, pos);
                    }
                    done += n;
                    progress.accept(n);
                }
                if (whole) {
                    return;
                }
                if (done < length) {
                    last = new IOException("Range " + range + " of " + key + " ended after " + (done - (from - start))
                            + " bytes");
                }
            } catch (SdkException e) {
                if (notFound(e)) {
                    throw new NoSuchFileException(key, null, "blob is not in den " + location());
                }
                last = failure("to download " + key, e);
                if (last instanceof BackendUnreachableException) {
                    throw last;
                }
            } catch (IOException e) {
                // The connection dropped mid-body: resume from the last byte written.
                last = e;
            }
        }
        if (done < length) {
            throw new IOException("Download of " + key + " from den " + location() + " kept failing after "
                    + TRANSFER_RETRY.attempts()
                    + " attempts at byte " + (start + done) + ": " + last, last);
        }
    }

    private static void await(List<? extends Future<?>> futures, String what, List<? extends Future<?>> all)
            throws IOException {
        try {
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (ExecutionException e) {
            all.forEach(f -> f.cancel(true));
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException("Cannot " + what + ": " + cause, cause);
        } catch (InterruptedException e) {
            all.forEach(f -> f.cancel(true));
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("Interrupted: " + what);
        }
    }

    /** Uploads a blob unless the den has it already; large blobs go as a parallel multipart upload. */
    @Override
    public boolean putBlob(String digest, Path file) throws IOException {
        long size = Files.size(file);
        OptionalLong existing = blobSize(digest);
        if (existing.isPresent() && existing.getAsLong() == size) {
            Files.deleteIfExists(file);
            touchBlob(digest);
            return false;
        }
        String key = blobKey(digest);
        try {
            if (size < settings.multipartThreshold()) {
                s3.putObject(b -> b.bucket(settings.bucket()).key(key), RequestBody.fromFile(file));
            } else {
                uploadMultipart(key, file, size);
            }
        } catch (SdkException e) {
            throw failure("to upload blob " + digest, e);
        }
        Files.deleteIfExists(file);
        return true;
    }

    private void uploadMultipart(String key, Path file, long size) throws IOException {
        String uploadId = s3.createMultipartUpload(b -> b.bucket(settings.bucket()).key(key)).uploadId();
        boolean done = false;
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            List<Future<CompletedPart>> parts = new ArrayList<>();
            int number = 0;
            for (long start = 0; start < size; start += settings.partSize()) {
                int partNumber = ++number;
                long from = start;
                int length = (int) Math.min(settings.partSize(), size - start);
                parts.add(transfers.submit(() -> uploadPart(key, uploadId, partNumber, in, from, length)));
            }
            List<CompletedPart> completed = new ArrayList<>();
            try {
                for (Future<CompletedPart> f : parts) {
                    completed.add(f.get());
                }
            } catch (ExecutionException e) {
                parts.forEach(f -> f.cancel(true));
                Throwable cause = e.getCause();
                if (cause instanceof SdkException sdk) {
                    throw failure("to upload part of " + key, sdk);
                }
                if (cause instanceof IOException io) {
                    throw io;
                }
                throw new IOException("Upload of " + key + " failed: " + cause, cause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("Interrupted while uploading " + key);
            }
            s3.completeMultipartUpload(b -> b.bucket(settings.bucket()).key(key).uploadId(uploadId)
                    .multipartUpload(CompletedMultipartUpload.builder().parts(completed).build()));
            done = true;
        } finally {
            if (!done) {
                try {
                    s3.abortMultipartUpload(b -> b.bucket(settings.bucket()).key(key).uploadId(uploadId));
                } catch (SdkException e) {
                    // The server drops abandoned uploads by its lifecycle rules; nothing became visible.
                }
            }
        }
    }

    private CompletedPart uploadPart(String key, String uploadId, int partNumber, FileChannel in, long from, int length)
            throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        long pos = from;
        while (buffer.hasRemaining()) {
            int n = in.read(buffer, pos);
            if (n < 0) {
                throw new IOException("File ended early while uploading part " + partNumber + " of " + key);
            }
            pos += n;
        }
        buffer.flip();
        String etag = s3.uploadPart(b -> b.bucket(settings.bucket()).key(key).uploadId(uploadId).partNumber(partNumber)
                .contentLength((long) length), RequestBody.fromByteBuffer(buffer)).eTag();
        return CompletedPart.builder().partNumber(partNumber).eTag(etag).build();
    }

    @Override
    public void touchBlob(String digest) throws IOException {
        try {
            // S3 cannot change an object's time in place; a tiny marker records the reuse instead.
            s3.putObject(b -> b.bucket(settings.bucket()).key(touchKey(digest)), RequestBody.empty());
        } catch (SdkException e) {
            throw failure("to mark blob " + digest + " as used", e);
        }
    }

    @Override
    public void deleteBlob(String digest) throws IOException {
        try {
            s3.deleteObject(b -> b.bucket(settings.bucket()).key(blobKey(digest)));
            s3.deleteObject(b -> b.bucket(settings.bucket()).key(touchKey(digest)));
        } catch (SdkException e) {
            if (!notFound(e)) {
                throw failure("to delete blob " + digest, e);
            }
        }
    }

    @Override
    public void quarantineBlob(String digest) throws IOException {
        String target = settings.key("quarantine/" + digest + "-" + System.currentTimeMillis());
        try {
            s3.copyObject(b -> b.sourceBucket(settings.bucket()).sourceKey(blobKey(digest))
                    .destinationBucket(settings.bucket()).destinationKey(target));
        } catch (SdkException e) {
            if (notFound(e)) {
                return;
            }
            throw failure("to set blob " + digest + " aside", e);
        }
        deleteBlob(digest);
    }

    @Override
    public List<BlobStat> listBlobs() throws IOException {
        try {
            Map<String, Instant> touched = new HashMap<>();
            for (S3Object o : listObjects(settings.key("touched/"))) {
                touched.put(o.key().substring(o.key().lastIndexOf('/') + 1), o.lastModified());
            }
            List<BlobStat> result = new ArrayList<>();
            for (S3Object o : listObjects(settings.key("blobs/sha256/"))) {
                String digest = o.key().substring(o.key().lastIndexOf('/') + 1);
                if (digest.length() != 64) {
                    continue;
                }
                Instant time = o.lastModified();
                Instant t = touched.get(digest);
                result.add(new BlobStat(digest, o.size(), t != null && t.isAfter(time) ? t : time));
            }
            return result;
        } catch (SdkException e) {
            throw failure("to list blobs", e);
        }
    }

    private List<S3Object> listObjects(String prefix) {
        List<S3Object> result = new ArrayList<>();
        s3.listObjectsV2Paginator(b -> b.bucket(settings.bucket()).prefix(prefix)).contents().forEach(result::add);
        return result;
    }

    // ---------------------------------------------------------------- documents

    @Override
    public Optional<StoredDocument> read(String key) throws IOException {
        try {
            ResponseBytes<GetObjectResponse> bytes = s3.getObjectAsBytes(b -> b.bucket(settings.bucket())
                    .key(docKey(key)));
            return Optional.of(new StoredDocument(key, bytes.asByteArray(), bytes.response().eTag()));
        } catch (SdkException e) {
            if (notFound(e)) {
                return Optional.empty();
            }
            throw failure("to read " + key, e);
        }
    }

    /**
     * Creates a document with {@code If-None-Match: *}. The first write of a backend checks that the
     * server honours the condition (a second create of a probe key must fail); a server that ignores it
     * would let concurrent writers overwrite each other, so writes are refused with a message instead.
     */
    @Override
    public boolean create(String key, byte[] content) throws IOException {
        checkConditionalWrites();
        return conditionalPut(docKey(key), content, b -> b.ifNoneMatch("*"), "create " + key);
    }

    @Override
    public boolean replace(String key, byte[] content, String expectedEtag) throws IOException {
        if (expectedEtag == null) {
            return create(key, content);
        }
        checkConditionalWrites();
        return conditionalPut(docKey(key), content, b -> b.ifMatch(expectedEtag), "replace " + key);
    }

    private boolean conditionalPut(String objectKey, byte[] content,
            java.util.function.Consumer<PutObjectRequest.Builder> condition, String what) throws IOException {
        try {
            s3.putObject(b -> {
                b.bucket(settings.bucket()).key(objectKey).contentType("application/json");
                condition.accept(b);
            }, RequestBody.fromBytes(content));
            return true;
        } catch (SdkException e) {
            if (preconditionFailed(e) || notFound(e)) {
                return false;
            }
            throw failure("to " + what, e);
        }
    }

    private void checkConditionalWrites() throws IOException {
        if (conditionalWrites == null) {
            synchronized (this) {
                if (conditionalWrites == null) {
                    conditionalWrites = probeConditionalWrites();
                }
            }
        }
        if (!conditionalWrites) {
            throw new IOException("Den " + location() + " ignores conditional writes (If-None-Match/If-Match), so "
                    + "concurrent pushes could overwrite each other; nothing was written. Use a server that supports "
                    + "them (AWS S3, MinIO, Ceph RGW 18+, s3proxy 2.4+)");
        }
    }

    private boolean probeConditionalWrites() throws IOException {
        String probe = settings.key("probes/" + UUID.randomUUID());
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        try {
            boolean first = conditionalPut(probe, body, b -> b.ifNoneMatch("*"), "write a probe");
            boolean second = conditionalPut(probe, body, b -> b.ifNoneMatch("*"), "write a probe");
            return first && !second;
        } finally {
            try {
                s3.deleteObject(b -> b.bucket(settings.bucket()).key(probe));
            } catch (SdkException e) {
                // A leftover probe is harmless.
            }
        }
    }

    @Override
    public void delete(String key) throws IOException {
        try {
            s3.deleteObject(b -> b.bucket(settings.bucket()).key(docKey(key)));
        } catch (SdkException e) {
            if (!notFound(e)) {
                throw failure("to delete " + key, e);
            }
        }
    }

    @Override
    public List<DocumentStat> list(String prefix) throws IOException {
        String base = docKey("");
        try {
            List<DocumentStat> result = new ArrayList<>();
            for (S3Object o : listObjects(base + prefix)) {
                result.add(new DocumentStat(o.key().substring(base.length()), o.eTag()));
            }
            return result;
        } catch (SdkException e) {
            throw failure("to list " + prefix, e);
        }
    }

    // ---------------------------------------------------------------- local parts

    @Override
    public Staging openStaging() throws IOException {
        Files.createDirectories(localRoot);
        Path dir = Files.createTempDirectory(localRoot, "staging-");
        return Staging.deletedOnClose(dir);
    }

    @Override
    public Path snapshotRoot() {
        return localRoot.resolve("snapshots");
    }

    @Override
    public void close() {
        transfers.shutdownNow();
        s3.close();
    }
}
