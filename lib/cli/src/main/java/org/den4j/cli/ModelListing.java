package org.den4j.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.den4j.den.ModelInfo;
import org.den4j.den.ProgressBar;
import org.den4j.den.format.Json;

/** How models print: a table for people, JSON for programs. */
final class ModelListing {
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")
            .withZone(ZoneOffset.UTC);

    /** What the size column says of a registry entry without files. */
    static final String NO_FILES = "(no files)";

    private ModelListing() {
    }

    /** Prints models as a table, or as a JSON array of {@link #json(ModelInfo)} objects. */
    static void print(PrintWriter out, List<ModelInfo> models, boolean json) {
        print(out, models, json, List.of());
    }

    /** Prints models as {@link #print(PrintWriter, List, boolean)} does, the table with a column per named metric. */
    static void print(PrintWriter out, List<ModelInfo> models, boolean json, List<String> metrics) {
        if (json) {
            ArrayNode array = Json.MAPPER.createArrayNode();
            models.forEach(m -> array.add(json(m)));
            printJson(out, array);
            return;
        }
        List<String> headers = new ArrayList<>(List.of("MODEL", "DIGEST", ">SIZE", "CREATED (UTC)"));
        metrics.forEach(name -> headers.add(">" + name.toUpperCase(Locale.ROOT)));
        headers.addAll(List.of("PARENT", "TAGS", "DESCRIPTION"));
        TextTable table = new TextTable(headers.toArray(String[]::new));
        for (ModelInfo m : models) {
            List<Object> cells = new ArrayList<>(Arrays.asList(m.ref(), m.shortDigest(),
                    m.hasFiles() ? ProgressBar.bytes(m.size()) : NO_FILES, date(m.created())));
            metrics.forEach(name -> cells.add(m.metadata().metrics().get(name)));
            cells.addAll(Arrays.asList(parent(m), String.join(",", m.tags()), m.description()));
            table.row(cells.toArray());
        }
        table.print(out);
    }

    /**
     * A model's registry record as JSON: every {@link ModelInfo} component, with {@code parent} and
     * {@code parentRef} present (null for a base model) so that scripts can rely on them, and {@code hasFiles}
     * (false for a registry entry without files).
     */
    static ObjectNode json(ModelInfo model) {
        ObjectNode node = Json.MAPPER.valueToTree(model);
        if (!node.has("parent")) {
            node.putNull("parent");
        }
        if (!node.has("parentRef")) {
            node.putNull("parentRef");
        }
        node.put("hasFiles", model.hasFiles());
        return node;
    }

    /** The parent as {@code name@version}, or by short digest when its reference is unknown; null for a base. */
    static String parent(ModelInfo m) {
        if (m.parent() == null) {
            return null;
        }
        return m.parentRef() != null ? m.parentRef() : "sha256:" + m.parent().substring(0, 12);
    }

    static String date(Instant instant) {
        return instant == null ? null : DATE.format(instant);
    }

    /** Prints any value as pretty JSON. */
    static void printJson(PrintWriter out, Object value) {
        try {
            out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(value));
            out.flush();
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
