package org.den4j.cli;

import java.util.List;
import org.den4j.command.Commands;
import org.den4j.den.Den;
import org.den4j.den.ModelInfo;
import org.den4j.den.ProgressBar;
import org.den4j.den.VerifyReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "verify", description = {"Re-hashes stored files and lists every damaged or missing one.",
        "Exits with 1 when anything is damaged."})
final class VerifyCommand extends Subcommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "REF", description = "The model to check; every model when absent.")
    String ref;

    @Override
    int run(Den den) {
        List<ModelInfo> models = ref == null ? den.list() : List.of(den.show(ref));
        VerifyReport report = den.verify(models, progress());
        String checked = report.modelsChecked() + " model(s), " + report.filesChecked() + " file(s), "
                + ProgressBar.bytes(report.bytesChecked()) + " hashed";
        if (report.isClean()) {
            out().println("OK: " + checked);
            out().flush();
            return ok();
        }
        for (VerifyReport.Problem p : report.problems()) {
            out().println("CORRUPT " + p.model() + " file " + p.file() + " (sha256:" + p.digest() + "): " + p.problem());
        }
        out().flush();
        long damaged = report.problems().stream().map(VerifyReport.Problem::model).distinct().count();
        err().println(report.problems().size() + " damaged file(s) in " + damaged + " model(s) of " + checked
                + "; damaged blobs were set aside, so push the damaged models again to restore them");
        err().flush();
        return Commands.FAILURE;
    }
}
