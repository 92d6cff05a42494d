package org.den4j.den.s3;

import java.net.URI;
import java.util.Locale;
import java.util.Map;
import org.den4j.den.BackendSpec;
import org.den4j.den.DenConfigException;

/**
 * Where and how an {@code s3} den is reached, read from a {@link BackendSpec}.
 *
 * <p>The spec's location is {@code s3://bucket/prefix} (also {@code bucket/prefix}); its host, when set,
 * is the endpoint of an S3-compatible server such as MinIO ({@code http://127.0.0.1:9000}). Credentials
 * are {@code access_key_id} + {@code secret_access_key} (+ {@code session_token}), or {@code profile};
 * without them the AWS SDK's default chain applies ({@code AWS_ACCESS_KEY_ID}, {@code ~/.aws}, instance
 * roles, ...). Options: {@code region}, {@code path_style} (default true when an endpoint is set),
 * {@code part_size} (bytes per ranged download and multipart part, default 64 MiB),
 * {@code threads} (parallel transfers per blob, default 4), {@code multipart_threshold} (default 128 MiB),
 * {@code range_size} (bytes per ranged download request, default 256 MiB; a smaller blob downloads as one
 * stream hashed as it arrives). Fewer, larger ranges won on s3proxy over loopback: 8 MiB ranges took
 * 2-5x as long as one request per 256 MiB object.
 *
 * @param bucket the bucket
 * @param prefix the key prefix, without a trailing slash, possibly empty
 * @param endpoint the server, or null for AWS
 * @param region the region, or null for the SDK's default chain
 * @param pathStyle whether requests name the bucket in the path rather than the host name
 * @param credentials the credentials as given (possibly empty)
 * @param partSize bytes per ranged download and multipart part
 * @param threads parallel transfers per blob
 * @param multipartThreshold blobs at least this large upload in parts
 * @param rangeSize bytes per ranged download request; smaller blobs download as one stream hashed on the fly
 */
public record S3Settings(String bucket, String prefix, URI endpoint, String region, boolean pathStyle,
        Map<String, String> credentials, long partSize, int threads, long multipartThreshold, long rangeSize) {
    /** Default bytes per part. */
    public static final long DEFAULT_PART_SIZE = 64L << 20;
    /** Default bytes per ranged download request. */
    public static final long DEFAULT_RANGE_SIZE = 256L << 20;
    /** The smallest part S3 accepts in a multipart upload (except the last). */
    public static final long MIN_PART_SIZE = 5L << 20;

    public S3Settings {
        credentials = Map.copyOf(credentials);
        if (partSize < MIN_PART_SIZE) {
            throw new DenConfigException("part_size", "part_size=" + partSize + " is below S3's minimum part of "
                    + MIN_PART_SIZE + " bytes; use 5242880 or more");
        }
        if (rangeSize < 1) {
            throw new DenConfigException("range_size", "range_size=" + rangeSize + " must be 1 or more bytes");
        }
        if (threads < 1) {
            throw new DenConfigException("threads", "threads=" + threads + " must be 1 or more");
        }
    }

    /**
     * Reads the settings of a backend spec.
     *
     * @throws DenConfigException naming the setting (location, host or option) that is unusable
     */
    public static S3Settings from(BackendSpec spec) {
        String variable = BackendSpec.ENVIRONMENT.equals(spec.name()) ? "DEN4J_PATH" : spec.name();
        String raw = spec.location();
        if (raw == null) {
            throw new DenConfigException(variable, "The s3 den " + describe(spec) + " has no bucket; set "
                    + (BackendSpec.ENVIRONMENT.equals(spec.name()) ? "DEN4J_PATH=s3://bucket/prefix"
                    : "\"location\": \"s3://bucket/prefix\" in the backends file"));
        }
        String path = raw;
        if (path.toLowerCase(Locale.ROOT).startsWith("s3:")) {
            path = path.substring(3);
        }
        while (path.startsWith("/")) {
            path = path.substring(1);
        }
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        int slash = path.indexOf('/');
        String bucket = slash < 0 ? path : path.substring(0, slash);
        String prefix = slash < 0 ? "" : path.substring(slash + 1);
        if (!bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
            throw new DenConfigException(variable, "'" + raw + "' does not name an S3 bucket; write s3://bucket/prefix "
                    + "with a bucket of 3-63 lower-case letters, digits, dots and hyphens");
        }
        URI endpoint = null;
        if (spec.host() != null) {
            String host = spec.host().contains("://") ? spec.host() : "http://" + spec.host();
            try {
                endpoint = URI.create(host);
                if (endpoint.getHost() == null) {
                    throw new IllegalArgumentException("no host");
                }
            } catch (IllegalArgumentException e) {
                throw new DenConfigException(BackendSpec.ENVIRONMENT.equals(spec.name()) ? "DEN4J_REMOTE_HOST"
                        : spec.name(), "'" + spec.host() + "' is not an S3 endpoint URL; write http://host:port, "
                        + "for example http://127.0.0.1:9000 for MinIO");
            }
        }
        return new S3Settings(bucket, prefix, endpoint, spec.option("region", null),
                spec.booleanOption("path_style", endpoint != null), spec.credentials(),
                longOption(spec, "part_size", DEFAULT_PART_SIZE), (int) longOption(spec, "threads", 4),
                longOption(spec, "multipart_threshold", 128L << 20), longOption(spec, "range_size", DEFAULT_RANGE_SIZE));
    }

    private static long longOption(BackendSpec spec, String key, long fallback) {
        String raw = spec.option(key, null);
        if (raw == null || raw.isBlank()) {
            return fallback;
        }
        try {
            return Long.parseLong(raw.trim());
        } catch (NumberFormatException e) {
            throw new DenConfigException(key, "Option " + key + "=" + raw + " of backend " + spec.name()
                    + " is not a whole number");
        }
    }

    private static String describe(BackendSpec spec) {
        return BackendSpec.ENVIRONMENT.equals(spec.name()) ? "(DEN4J_TYPE=s3)" : "backend " + spec.name();
    }

    /** {@code s3://bucket/prefix}, plus the endpoint when it is not AWS. */
    public String location() {
        return "s3://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix) + (endpoint == null ? "" : " at " + endpoint);
    }

    /** The object key of a path under the den's prefix. */
    public String key(String path) {
        return prefix.isEmpty() ? path : prefix + "/" + path;
    }

    @Override
    public String toString() {
        return "S3Settings[" + location() + ", credentials=" + credentials.keySet() + "]";
    }
}
