package org.den4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import org.den4j.den.Den;
import org.den4j.den.DenInputException;
import org.den4j.den.ModelInfo;
import org.den4j.den.RegistryImport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "import-registry", description = {"Brings in a registry file: entries for models the den lacks.",
        "The file is JSON or YAML: den export-registry's or the Python model",
        "manager's export. A record of a model the den has replaces its description,",
        "tags and metadata; a record of a model it lacks becomes a registry entry",
        "without files (see den register). Prints what it created, updated and",
        "refused (with why); exits 1 when it refused any record."})
final class ImportRegistryCommand extends Subcommand {
    @Parameters(index = "0", paramLabel = "FILE", description = "A registry file: a list of records, {\"models\": "
            + "[...]}, or records by model id.")
    Path file;

    @Override
    int run(Den den) {
        if (!Files.isRegularFile(file)) {
            throw new DenInputException("Registry file " + file.toAbsolutePath() + " does not exist; write one with "
                    + "den export-registry FILE");
        }
        RegistryImport report = den.importRegistry(file);
        for (ModelInfo m : report.created()) {
            out().println("created " + m.ref() + " (no files)");
        }
        for (ModelInfo m : report.updated()) {
            out().println("updated " + m.ref());
        }
        for (RegistryImport.Refusal r : report.refused()) {
            err().println("refused " + r.name() + ": " + r.reason());
        }
        out().println("created " + report.created().size() + ", updated " + report.updated().size() + ", refused "
                + report.refused().size());
        out().flush();
        err().flush();
        return report.refused().isEmpty() ? ok() : 1;
    }

    @Override
    boolean createsDen() {
        return true;
    }
}
