package org.den4j.den.s3;

import org.den4j.den.BackendSpec;
import org.den4j.den.DenType;
import org.den4j.den.backend.DenBackend;

/** Opens {@code s3} dens for {@link org.den4j.den.Den#open}; registered in {@code META-INF/services}. */
public final class S3BackendProvider implements DenBackend.Provider {
    @Override
    public DenType type() {
        return DenType.S3;
    }

    @Override
    public DenBackend open(BackendSpec spec) {
        return new S3Backend(S3Settings.from(spec));
    }
}
