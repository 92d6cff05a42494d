package org.den4j.cli;

import org.den4j.den.Den;
import org.den4j.den.TransferReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "move", description = {"Copies a model (and the parents it needs) to another backend, then deletes it",
        "here. Only missing blobs travel. Example: den --backend laptop move acme/coder@3 --to team"})
final class MoveCommand extends Subcommand {
    @Parameters(index = "0", paramLabel = "REF", description = "name, name@VERSION, name@ALIAS or sha256:PREFIX.")
    String ref;

    @Option(names = "--to", required = true, paramLabel = "BACKEND",
            description = "The backend to move to (a name in DEN4J_BACKENDS_JSON).")
    String to;

    @Option(names = "--force", description = "Delete here even when other models here derive from it.")
    boolean force;

    @Override
    int run(Den den) {
        try (Den target = parent.open(to)) {
            TransferReport r = den.move(ref, target, force, progress());
            SyncCommand.print(r, den, target, out(), err());
        }
        return ok();
    }
}
