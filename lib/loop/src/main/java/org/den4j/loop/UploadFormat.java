package org.den4j.loop;

import java.util.Locale;

/** The formats an upload may have; gzip on top of either is recognised by its magic bytes. */
public enum UploadFormat {
    /** Comma-separated values with a header row: {@code text} (required), {@code labels} ({@code |}-separated), {@code external_id}. */
    CSV,
    /** One JSON object a line: {@code text}, {@code labels} (array), {@code external_id}, {@code metadata}. */
    JSON_LINES;

    /**
     * The format a {@code Content-Type} names, or null when it names none of them (gzip, octet-stream: the
     * content decides).
     *
     * @throws LoopInputException (415) for any other type
     */
    public static UploadFormat ofContentType(String contentType) {
        String type = contentType == null ? "" : contentType.split(";")[0].trim().toLowerCase(Locale.ROOT);
        switch (type) {
            case "text/csv":
                return CSV;
            case "application/x-ndjson", "application/jsonl", "application/json-lines", "application/jsonlines":
                return JSON_LINES;
            case "", "application/gzip", "application/x-gzip", "application/octet-stream":
                return null;
            default:
                throw new LoopInputException(415, "Content-Type " + type + " is not an upload format; send text/csv "
                        + "or application/x-ndjson (gzip-compressed or not)");
        }
    }

    /** True for the types that promise gzip. */
    static boolean promisesGzip(String contentType) {
        String type = contentType == null ? "" : contentType.split(";")[0].trim().toLowerCase(Locale.ROOT);
        return type.equals("application/gzip") || type.equals("application/x-gzip");
    }
}
