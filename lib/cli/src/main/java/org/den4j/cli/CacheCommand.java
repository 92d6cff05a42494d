package org.den4j.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import org.den4j.den.BackendSpec;
import org.den4j.den.CachePruneReport;
import org.den4j.den.CacheSettings;
import org.den4j.den.CachedModel;
import org.den4j.den.Den;
import org.den4j.den.DenCache;
import org.den4j.den.ModelInfo;
import org.den4j.den.ProgressBar;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "cache", description = {"The read-through local cache of remote dens (DEN4J_LOCAL_CACHE_*).",
        "Models fetched from an s3 or http den are kept here, verified, and evicted by policy; pinned models and",
        "models an open den uses are never evicted."},
        subcommands = {CacheCommand.Ls.class, CacheCommand.Prune.class, CacheCommand.Clear.class,
                CacheCommand.Pin.class})
final class CacheCommand implements Callable<Integer> {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")
            .withZone(ZoneId.systemDefault());

    @ParentCommand
    DenCommand parent;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return CommandLine.ExitCode.USAGE;
    }

    /** The cache of the selected backend (its own cache settings, else DEN4J_LOCAL_CACHE_*). */
    DenCache cache() {
        BackendSpec backend = parent.spec(parent.backend);
        return DenCache.open(backend.cache());
    }

    static String describe(CacheSettings s, long size, int models) {
        return "cache " + s.path() + ": " + models + " model(s), " + ProgressBar.bytes(size) + " of "
                + ProgressBar.bytes(s.maxSize()) + ", policy " + s.evictionPolicy().name().toLowerCase(java.util.Locale.ROOT)
                + ", expiration " + human(s.expiration());
    }

    private static String human(Duration d) {
        long s = d.getSeconds();
        if (s % 86400 == 0 && s > 0) {
            return (s / 86400) + "d";
        }
        if (s % 3600 == 0 && s > 0) {
            return (s / 3600) + "h";
        }
        return s + "s";
    }

    static void print(PrintWriter out, CachePruneReport r) {
        out.println("removed " + r.removed().size() + " model(s)" + (r.removed().isEmpty() ? "" : " ("
                + String.join(", ", r.removed()) + ")") + "; freed " + ProgressBar.bytes(r.bytesFreed()) + ", "
                + ProgressBar.bytes(r.sizeAfter()) + " left");
        out.flush();
    }

    @Command(name = "ls", description = "Lists the cached models, least recently used first.")
    static final class Ls implements Callable<Integer> {
        @ParentCommand
        CacheCommand cache;
        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            DenCache c = cache.cache();
            var models = c.list();
            PrintWriter out = spec.commandLine().getOut();
            TextTable table = new TextTable("MODEL", "DIGEST", ">SIZE", "LAST USED", ">USES", "PINNED", "IN USE",
                    "DEN");
            for (CachedModel m : models) {
                table.row(m.label(), m.digest().substring(0, 12), ProgressBar.bytes(m.size()), TIME.format(m.lastUsed()),
                        m.uses(), m.pinned() ? "yes" : "", m.inUse() ? "yes" : "", m.location());
            }
            if (!table.isEmpty()) {
                table.print(out);
            }
            spec.commandLine().getErr().println(describe(c.settings(), c.size(), models.size()));
            out.flush();
            spec.commandLine().getErr().flush();
            return 0;
        }
    }

    @Command(name = "prune", description = {"Drops expired models, then models in policy order until the cache fits",
            "its size limit; pinned and in-use models stay."})
    static final class Prune implements Callable<Integer> {
        @ParentCommand
        CacheCommand cache;
        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            print(spec.commandLine().getOut(), cache.cache().prune());
            return 0;
        }
    }

    @Command(name = "clear", description = "Drops every cached model that is neither pinned nor in use.")
    static final class Clear implements Callable<Integer> {
        @ParentCommand
        CacheCommand cache;
        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            print(spec.commandLine().getOut(), cache.cache().clear());
            return 0;
        }
    }

    @Command(name = "pin", description = {"Fetches a model into the cache and pins it: no policy, limit or expiration",
            "evicts it. --unpin lets it go again."})
    static final class Pin implements Callable<Integer> {
        @ParentCommand
        CacheCommand cache;
        @Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "REF", description = "name, name@VERSION, name@ALIAS or sha256:PREFIX.")
        String ref;

        @Option(names = "--unpin", description = "Unpin instead.")
        boolean unpin;

        @Override
        public Integer call() {
            try (Den den = cache.parent.openExisting()) {
                ModelInfo model = den.pin(ref, !unpin);
                spec.commandLine().getOut().println((unpin ? "unpinned " : "pinned ") + model.ref() + " sha256:"
                        + model.digest());
            }
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

}
