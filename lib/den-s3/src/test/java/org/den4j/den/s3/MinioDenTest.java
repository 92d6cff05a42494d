package org.den4j.den.s3;

import java.util.Map;
import org.den4j.den.BackendSpec;
import org.den4j.den.CacheSettings;
import org.den4j.den.DenType;
import org.junit.jupiter.api.BeforeAll;
import org.testcontainers.containers.MinIOContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import software.amazon.awssdk.services.s3.S3Client;

/** The s3 den contract against MinIO in a container; skipped (not failed) where no Docker engine runs. */
@Testcontainers(disabledWithoutDocker = true)
class MinioDenTest extends S3DenContract {
    @Container
    static final MinIOContainer MINIO = new MinIOContainer("minio/minio:RELEASE.2024-12-18T13-15-44Z");

    @BeforeAll
    static void createBucket() {
        BackendSpec any = spec(MINIO, "s3://models/x", null);
        try (S3Client client = S3Backend.client(S3Settings.from(any))) {
            client.createBucket(b -> b.bucket("models"));
        }
    }

    private static BackendSpec spec(MinIOContainer minio, String location, CacheSettings cache) {
        return new BackendSpec("minio", DenType.S3, location, minio.getS3URL(),
                Map.of("access_key_id", minio.getUserName(), "secret_access_key", minio.getPassword()),
                Map.of("path_style", "true", "region", "us-east-1"),
                cache == null ? new CacheSettings(java.nio.file.Path.of(System.getProperty("java.io.tmpdir"),
                        "minio-cache"), null, 0, null) : cache, false, false);
    }

    @Override
    BackendSpec spec(String name, String location, CacheSettings cache) {
        return spec(MINIO, location, cache);
    }
}
