package org.den4j.data.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.den4j.command.VerboseOption;
import org.den4j.data.MimicVersion;
import org.den4j.data.SyntheticMimic;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code synth-mimic}: writes a synthetic MIMIC-III or MIMIC-IV release. */
@Command(name = "synth-mimic", sortOptions = false,
        description = {"Writes a synthetic MIMIC release: the exact file names, columns and gzip compression of "
                + "MIMIC-III v1.4 or MIMIC-IV (hosp + note), with real ICD codes and titles, long-tail code "
                + "frequencies and discharge summaries in the style of real ones. Deterministic by seed.",
                "Progress goes to stderr; stdout gets one line of counts."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:written", "1:failed", "2:invalid options, or the output folder has files (use --force)"})
public final class SynthMimicCommand implements Callable<Integer> {
    @Option(names = "--version", paramLabel = "VERSION", defaultValue = "mimic-iv",
            description = "mimic-iii or mimic-iv (default: ${DEFAULT-VALUE}).")
    String version;

    @Option(names = {"-n", "--patients"}, paramLabel = "N", defaultValue = "1000",
            description = "Patients, each with 1 to 4 admissions (default: ${DEFAULT-VALUE}).")
    int patients;

    @Option(names = {"-s", "--seed"}, paramLabel = "S", defaultValue = "42", description = "Seed (default: "
            + "${DEFAULT-VALUE}).")
    long seed;

    @Option(names = {"-o", "--out"}, paramLabel = "DIR", description = "Output folder (default: "
            + "data/synthetic-VERSION).")
    Path out;

    @Option(names = "--force", description = "Replace the output folder when it has files.")
    boolean force;

    @Option(names = {"-q", "--quiet"}, description = "No progress line.")
    boolean quiet;

    @Mixin
    VerboseOption verbose;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Spec
    CommandSpec spec;

    private final PrintStream progress;

    /** @param progress where the progress line goes, usually {@code System.err} */
    public SynthMimicCommand(PrintStream progress) {
        this.progress = progress;
    }

    @Override
    public Integer call() {
        MimicVersion v;
        try {
            v = MimicVersion.parse(version);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("--version " + e.getMessage());
        }
        Path folder = out != null ? out : Path.of("data", "synthetic-" + v.id());
        SyntheticMimic.Summary s = SyntheticMimic.builder(v).patients(patients).seed(seed).overwrite(force)
                .progress(quiet ? null : progress).build().write(folder);
        spec.commandLine().getOut().printf("%s %s: %d patients, %d admissions, %d discharge notes, %d diagnosis rows,"
                + " %d procedure rows%n", v.id(), folder, s.patients(), s.admissions(), s.dischargeNotes(),
                s.diagnosisRows(), s.procedureRows());
        spec.commandLine().getOut().flush();
        return 0;
    }
}
