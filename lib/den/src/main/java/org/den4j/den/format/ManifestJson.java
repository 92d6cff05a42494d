package org.den4j.den.format;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.den4j.den.FileEntry;
import org.den4j.den.Manifest;

/**
 * Reads manifest documents with Jackson's streaming parser.
 *
 * <p>A fetch in a new JVM reads one manifest; data binding would load several hundred classes for
 * it (about half a second), the streaming parser a few dozen. The format is the one {@link Json}
 * writes: {@code {"files": [{"path": ..., "size": ..., "sha256": ...}, ...]}}, unknown fields ignored.
 */
public final class ManifestJson {
    private static final JsonFactory FACTORY = new JsonFactory();

    private ManifestJson() {
    }

    /**
     * Parses a manifest.
     *
     * @throws IOException when the bytes are not a manifest
     */
    public static Manifest parse(byte[] json) throws IOException {
        List<FileEntry> files = new ArrayList<>();
        try (JsonParser p = FACTORY.createParser(json)) {
            expect(p.nextToken(), JsonToken.START_OBJECT);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (field.equals("files") && value == JsonToken.START_ARRAY) {
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        files.add(entry(p));
                    }
                } else {
                    p.skipChildren();
                }
            }
        }
        return new Manifest(files);
    }

    private static FileEntry entry(JsonParser p) throws IOException {
        String path = null;
        long size = -1;
        String sha256 = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            switch (field) {
                case "path" -> path = p.getValueAsString();
                case "size" -> size = p.getValueAsLong(-1);
                case "sha256" -> sha256 = p.getValueAsString();
                default -> {
                    if (value.isStructStart()) {
                        p.skipChildren();
                    }
                }
            }
        }
        return new FileEntry(path, size, sha256);
    }

    private static void expect(JsonToken actual, JsonToken expected) throws IOException {
        if (actual != expected) {
            throw new IOException("Manifest JSON starts with " + actual + ", expected " + expected);
        }
    }
}
