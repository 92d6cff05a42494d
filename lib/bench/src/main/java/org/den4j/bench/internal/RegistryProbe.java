package org.den4j.bench.internal;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.den4j.den.Den;
import org.den4j.den.ModelInfo;
import org.den4j.den.RegistryQuery;

/**
 * Times one registry call in a JVM of its own, as a {@code den list} command would run: opens the
 * den, lists or searches once, and prints {@code open_ms=... call_ms=... count=...} on stdout.
 *
 * <p>Arguments: {@code DEN_DIR list} or {@code DEN_DIR search TAG}. The benchmark starts it with its
 * own class path.
 */
public final class RegistryProbe {
    private RegistryProbe() {
    }

    public static void main(String[] args) {
        if (args.length < 2 || !(args[1].equals("list") || args[1].equals("search") && args.length == 3)) {
            System.err.println("usage: RegistryProbe DEN_DIR list | RegistryProbe DEN_DIR search TAG");
            System.exit(2);
        }
        long t0 = System.nanoTime();
        try (Den den = Den.at(Path.of(args[0]))) {
            long t1 = System.nanoTime();
            List<ModelInfo> result = args[1].equals("list") ? den.list()
                    : den.search(RegistryQuery.builder().tag(args[2]).build());
            long t2 = System.nanoTime();
            System.out.printf(Locale.ROOT, "open_ms=%.3f call_ms=%.3f count=%d%n", (t1 - t0) / 1e6, (t2 - t1) / 1e6,
                    result.size());
        }
    }
}
