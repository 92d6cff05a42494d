package org.den4j.den;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Where a den keeps its bytes. */
public enum DenType {
    /** A den in the user's data directory, private to that user. */
    LOCAL_USER,
    /** A den shared by the users of one machine, group-writable. */
    LOCAL_MACHINE,
    /** An S3-compatible object store. */
    S3,
    /** A den server reached over HTTP. */
    HTTP,
    /**
     * The Hugging Face Hub: accepted as a value but refused when a den is opened, with a message that says to
     * use {@code hf:org/name@REV} references ({@link ExternalSources}) in a den of another type.
     */
    HF;

    /** The lower-case name used in configuration, for example {@code local_user}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** True when the den lives on a local file system. */
    public boolean isLocal() {
        return this == LOCAL_USER || this == LOCAL_MACHINE;
    }

    /**
     * Parses a den type, ignoring case and accepting {@code -} for {@code _}.
     *
     * @param raw the value as written
     * @param variable the variable or option it came from, named in the error
     * @throws DenConfigException when the value names no den type
     */
    public static DenType parse(String raw, String variable) {
        String normalized = raw == null ? "" : raw.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (DenType type : values()) {
            if (type.name().equals(normalized)) {
                return type;
            }
        }
        throw new DenConfigException(variable, variable + "=" + raw + " is not a den type; use one of "
                + Arrays.stream(values()).map(DenType::configName).collect(Collectors.joining(", ")));
    }
}
