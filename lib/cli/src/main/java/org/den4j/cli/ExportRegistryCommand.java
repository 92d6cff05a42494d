package org.den4j.cli;

import java.nio.file.Path;
import org.den4j.den.Den;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "export-registry", description = {"Writes every model's registry record to a JSON or YAML file.",
        "YAML when FILE ends in .yaml or .yml. The file carries metadata, not bytes."})
final class ExportRegistryCommand extends Subcommand {
    @Parameters(index = "0", paramLabel = "FILE", description = "registry.json or registry.yaml.")
    Path file;

    @Override
    int run(Den den) {
        int count = den.list().size();
        den.exportRegistry(file);
        out().println("exported " + count + " registry record(s) to " + file.toAbsolutePath());
        out().flush();
        return ok();
    }
}
