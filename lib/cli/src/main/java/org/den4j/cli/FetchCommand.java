package org.den4j.cli;

import java.nio.file.Path;
import org.den4j.den.Den;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "fetch", description = {"Makes a model available locally and prints only its directory.",
        "The first fetch checks every file's SHA-256; a damaged file is never used."})
final class FetchCommand extends Subcommand {
    @Parameters(index = "0", paramLabel = "REF", description = "name, name@VERSION, name@ALIAS or sha256:PREFIX.")
    String ref;

    @Override
    int run(Den den) {
        Path dir = den.fetch(ref, progress());
        out().println(dir.toAbsolutePath());
        out().flush();
        return ok();
    }
}
