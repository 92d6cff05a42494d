package org.den4j.cli;

import java.nio.file.Path;
import org.den4j.den.Den;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "export-registry", description = {"Writes every model's registry record to a JSON or YAML file.",
        "YAML when FILE ends in .yaml or .yml. The file carries metadata, not bytes;",
        "den import-registry brings it into another den (as registry entries without",
        "files where that den lacks a model)."})
final class ExportRegistryCommand extends Subcommand {
    @Parameters(index = "0", paramLabel = "FILE", description = "registry.json or registry.yaml.")
    Path file;

    @Option(names = "--python", description = "Write the Python model manager's snake_case form (model_id, "
            + "model_name, data_type, performance_metrics, ...) instead of den4j's records.")
    boolean python;

    @Override
    int run(Den den) {
        int count = den.list().size();
        den.exportRegistry(file, python);
        out().println("exported " + count + " registry record(s) to " + file.toAbsolutePath());
        out().flush();
        return ok();
    }
}
