package org.den4j.cli;

import java.nio.file.Path;
import org.den4j.den.Den;
import org.den4j.den.ExternalSource;
import org.den4j.den.ExternalSources;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "fetch", description = {"Makes a model available locally and prints only its directory.",
        "The first fetch checks every file's SHA-256; a damaged file is never used.",
        "hf:org/name@REV prints the Hub cache's snapshot folder and stores nothing in the den."})
final class FetchCommand extends Subcommand {
    @Parameters(index = "0", paramLabel = "REF", description = "name, name@VERSION, name@ALIAS, sha256:PREFIX or hf:org/name@REV.")
    String ref;

    @Override
    boolean needsDen() {
        return ExternalSources.schemeOf(ref) == null;
    }

    @Override
    int run(Den den) {
        String scheme = ExternalSources.schemeOf(ref);
        Path dir;
        if (den == null) {
            // An hf: reference lives in the Hub cache, not the den; the den is not opened.
            try (ExternalSource source = parent.sources().open(scheme)) {
                dir = source.fetch(ExternalSources.pathOf(ref), progress());
            }
        } else {
            dir = den.fetch(ref, progress());
        }
        out().println(dir.toAbsolutePath());
        out().flush();
        return ok();
    }
}
