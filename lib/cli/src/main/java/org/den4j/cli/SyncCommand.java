package org.den4j.cli;

import java.util.List;
import org.den4j.den.Den;
import org.den4j.den.ProgressBar;
import org.den4j.den.TransferReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "sync", description = {"Copies models another backend lacks into it (all, or the REFs given).",
        "Only missing blobs travel; descriptions, tags, metadata, aliases and lineage come along.",
        "Example: den sync --to team acme/coder@prod"})
final class SyncCommand extends Subcommand {
    @Option(names = "--to", required = true, paramLabel = "BACKEND",
            description = "The backend to copy to (a name in DEN4J_BACKENDS_JSON).")
    String to;

    @Parameters(paramLabel = "REF", arity = "0..*", description = "Models to copy (default: every model).")
    List<String> refs;

    @Override
    int run(Den den) {
        try (Den target = parent.open(to)) {
            TransferReport r = den.sync(target, refs == null ? List.of() : refs, progress());
            print(r, den, target, out(), err());
        }
        return ok();
    }

    /** Prints the copied models on {@code out} and a summary on {@code err}. */
    static void print(TransferReport r, Den from, Den target, java.io.PrintWriter out, java.io.PrintWriter err) {
        for (String ref : r.copied()) {
            out.println(ref);
        }
        err.println("copied " + r.copied().size() + " model(s) from " + from.location() + " to " + target.location()
                + ": " + r.blobsCopied() + " blob(s), " + ProgressBar.bytes(r.bytesCopied()) + " sent; "
                + r.blobsSkipped() + " blob(s), " + ProgressBar.bytes(r.bytesSkipped()) + " already there"
                + (r.alreadyThere().isEmpty() ? "" : "; " + r.alreadyThere().size() + " model(s) already there"));
        out.flush();
        err.flush();
    }
}
