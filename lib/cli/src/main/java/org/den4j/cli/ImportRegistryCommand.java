package org.den4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.den4j.den.Den;
import org.den4j.den.DenInputException;
import org.den4j.den.ModelInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "import-registry", description = {"Applies description, tags and metadata from a registry export "
        + "to the models of this den with the same name and digest.", "Records of models the den does not hold are "
        + "skipped: a registry file carries metadata, not bytes."})
final class ImportRegistryCommand extends Subcommand {
    @Parameters(index = "0", paramLabel = "FILE", description = "A file written by den export-registry.")
    Path file;

    @Override
    int run(Den den) {
        if (!Files.isRegularFile(file)) {
            throw new DenInputException("Registry file " + file.toAbsolutePath() + " does not exist; write one with "
                    + "den export-registry FILE");
        }
        List<ModelInfo> updated = den.importRegistry(file);
        out().println("updated " + updated.size() + " model(s)" + (updated.isEmpty() ? ""
                : ": " + String.join(", ", updated.stream().map(ModelInfo::ref).toList())));
        out().flush();
        return ok();
    }
}
