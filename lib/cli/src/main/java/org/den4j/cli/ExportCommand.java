package org.den4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import org.den4j.den.Den;
import org.den4j.den.ModelInfo;
import org.den4j.den.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "export", description = "Writes a model as a zip pack (its files and registry record) for den import.")
final class ExportCommand extends Subcommand {
    @Parameters(index = "0", paramLabel = "REF", description = "The model.")
    String ref;

    @Parameters(index = "1", paramLabel = "FILE", description = "The zip to write, for example model.zip.")
    Path zip;

    @Override
    int run(Den den) throws Exception {
        ModelInfo model = den.show(ref);
        den.exportZip(model.ref(), zip);
        out().println("exported " + model.ref() + " to " + zip.toAbsolutePath() + " ("
                + ProgressBar.bytes(Files.size(zip)) + ")");
        out().flush();
        return ok();
    }
}
