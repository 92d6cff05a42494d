package org.den4j.cli;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.den4j.den.Den;
import org.den4j.den.GcReport;
import org.den4j.den.ProgressBar;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "gc", description = {"Frees what no model needs: unreferenced blobs, fetched directories of deleted "
        + "models, leftovers of pushes that died.",
        "Blobs touched within the grace period stay, so pushes in flight keep theirs."})
final class GcCommand extends Subcommand {
    @Option(names = "--grace", paramLabel = "DURATION", defaultValue = "1h", converter = GraceConverter.class,
            description = "Keep unreferenced blobs younger than this: 0s, 90s, 10m, 1h, 2d (default: ${DEFAULT-VALUE}).")
    Duration grace;

    @Override
    int run(Den den) {
        GcReport r = den.gc(grace);
        out().println("removed " + r.blobsRemoved() + " blob(s), " + r.snapshotsRemoved() + " fetched director"
                + (r.snapshotsRemoved() == 1 ? "y" : "ies") + ", " + r.tempEntriesRemoved()
                + " temporary entr" + (r.tempEntriesRemoved() == 1 ? "y" : "ies") + "; freed "
                + ProgressBar.bytes(r.bytesFreed()));
        out().flush();
        return ok();
    }

    /** Parses {@code 0s}, {@code 10m}, {@code 1h}, {@code 2d}, a bare number of seconds, or ISO-8601 {@code PT1H}. */
    static final class GraceConverter implements CommandLine.ITypeConverter<Duration> {
        private static final Pattern SIMPLE = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)?");

        @Override
        public Duration convert(String raw) {
            String v = raw.trim().toLowerCase(Locale.ROOT);
            Matcher m = SIMPLE.matcher(v);
            try {
                if (m.matches()) {
                    long n = Long.parseLong(m.group(1));
                    String unit = m.group(2) == null ? "s" : m.group(2);
                    return switch (unit) {
                        case "ms" -> Duration.ofMillis(n);
                        case "m" -> Duration.ofMinutes(n);
                        case "h" -> Duration.ofHours(n);
                        case "d" -> Duration.ofDays(n);
                        default -> Duration.ofSeconds(n);
                    };
                }
                if (v.startsWith("p")) {
                    Duration d = Duration.parse(raw.trim());
                    if (!d.isNegative()) {
                        return d;
                    }
                }
            } catch (ArithmeticException | java.time.format.DateTimeParseException | NumberFormatException e) {
                // reported below
            }
            throw new CommandLine.TypeConversionException("'" + raw + "' is not a duration; write a number with a "
                    + "unit, for example 0s, 10m, 1h or 2d");
        }
    }
}
