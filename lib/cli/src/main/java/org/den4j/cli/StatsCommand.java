package org.den4j.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.den4j.den.Den;
import org.den4j.den.ProgressBar;
import org.den4j.den.RegistryStats;
import org.den4j.den.format.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "stats", description = "Prints figures about the den: models, sizes and how much sharing saves.")
final class StatsCommand extends Subcommand {
    @Option(names = "--json", description = "Print the figures as JSON.")
    boolean json;

    @Override
    int run(Den den) {
        RegistryStats s = den.stats();
        if (json) {
            ObjectNode node = Json.MAPPER.valueToTree(s);
            node.put("deduplicationRatio", s.deduplicationRatio());
            node.put("location", den.location());
            ModelListing.printJson(out(), node);
            return ok();
        }
        PrintWriter out = out();
        TextTable t = new TextTable("", "");
        t.row("den", den.location() + " (" + den.config().type().configName() + ")");
        t.row("model names", s.names());
        t.row("versions", s.versions() + " (" + s.baseModels() + " base)");
        t.row("logical size", ProgressBar.bytes(s.logicalBytes()));
        t.row("stored size", ProgressBar.bytes(s.storedBytes()) + " in " + s.blobs() + " blob(s)");
        t.row("deduplication", String.format(Locale.ROOT, "%.2fx", s.deduplicationRatio()));
        t.row("by type", counts(s.byModelType()));
        t.row("by tag", counts(s.byTag()));
        t.printRows(out);
        out.flush();
        return ok();
    }

    private static String counts(Map<String, Integer> counts) {
        return counts.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
    }
}
