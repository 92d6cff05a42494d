package org.den4j.cli;

import org.den4j.den.Den;
import org.den4j.den.ModelInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "rm", description = {"Deletes a model version; its number is never reused.",
        "Its bytes are freed by the next den gc. Refused when other models derive from it, unless --force."})
final class RmCommand extends Subcommand {
    @Parameters(index = "0", paramLabel = "REF", description = "name@VERSION, name@ALIAS, name (the latest) or sha256:PREFIX.")
    String ref;

    @Option(names = "--force", description = "Delete even when other models name it as their parent.")
    boolean force;

    @Override
    int run(Den den) {
        ModelInfo deleted = den.delete(ref, force);
        out().println("deleted " + deleted.ref() + " sha256:" + deleted.digest());
        out().flush();
        err().println("its bytes are freed by the next den gc");
        err().flush();
        return ok();
    }
}
