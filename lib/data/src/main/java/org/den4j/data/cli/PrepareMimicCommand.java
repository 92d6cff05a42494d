package org.den4j.data.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.den4j.command.VerboseOption;
import org.den4j.data.ImportReport;
import org.den4j.data.MalformedRows;
import org.den4j.data.MimicImport;
import org.den4j.data.MimicVersion;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code prepare-mimic}: loads a MIMIC release into DuckDB with views and splits. */
@Command(name = "prepare-mimic", sortOptions = false,
        description = {"Loads MIMIC-III or MIMIC-IV, as PhysioNet ships it (.csv or .csv.gz), into DIR/"
                + MimicImport.DATABASE_FILE + ": source tables, the views discharge_notes, diagnoses, procedures "
                + "and admission_facts, and split_train / split_validation / split_test (80/10/10 by patient).",
                "Progress goes to stderr; stdout gets the summary."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:loaded (malformed rows, if any, are listed)", "1:failed",
            "2:invalid options, missing files or a folder of the other version"})
public final class PrepareMimicCommand implements Callable<Integer> {
    @Option(names = {"-m", "--mimic-dir"}, required = true, paramLabel = "DIR",
            description = "The release folder (MIMIC-IV: the one holding hosp/ and note/).")
    Path mimicDir;

    @Option(names = {"-d", "--dataset-version"}, required = true, paramLabel = "VERSION",
            description = "mimic-iii or mimic-iv.")
    String datasetVersion;

    @Option(names = {"-o", "--output-dir"}, paramLabel = "DIR", defaultValue = "data",
            description = "Where " + MimicImport.DATABASE_FILE + " goes (default: ${DEFAULT-VALUE}).")
    Path outputDir;

    @Option(names = {"-n", "--num-samples"}, paramLabel = "N", defaultValue = "0",
            description = "Load only N patients who have discharge notes, picked by seed (default: all).")
    int numSamples;

    @Option(names = {"-s", "--seed"}, paramLabel = "S", defaultValue = "42",
            description = "Seed of the sample and the splits (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--drop", description = "Reload tables that already exist (default: keep them).")
    boolean drop;

    @Option(names = {"-q", "--quiet"}, description = "No progress lines.")
    boolean quiet;

    @Mixin
    VerboseOption verbose;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Spec
    CommandSpec spec;

    private final PrintStream progress;

    /** @param progress where progress lines go, usually {@code System.err} */
    public PrepareMimicCommand(PrintStream progress) {
        this.progress = progress;
    }

    @Override
    public Integer call() {
        MimicVersion v;
        try {
            v = MimicVersion.parse(datasetVersion);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("--dataset-version: " + e.getMessage());
        }
        ImportReport r = MimicImport.builder(mimicDir, v).outputDir(outputDir).numSamples(numSamples).seed(seed)
                .drop(drop).progress(quiet ? null : progress).build().run();
        var out = spec.commandLine().getOut();
        out.printf("database %s (%s, %.1f s)%n", r.database(), r.version(), r.elapsed().toMillis() / 1000.0);
        for (Map.Entry<String, Long> e : r.tableRows().entrySet()) {
            out.printf("  %-32s %,12d rows%n", e.getKey(), e.getValue());
        }
        for (String kept : r.keptTables()) {
            out.printf("  %-32s %12s%n", kept, "kept");
        }
        if (r.sampledPatients() > 0) {
            out.printf("sampled patients %,d (seed %d)%n", r.sampledPatients(), seed);
        }
        out.printf("admission_facts %,d: train %,d, validation %,d, test %,d%n", r.facts(),
                r.splitSizes().get("train"), r.splitSizes().get("validation"), r.splitSizes().get("test"));
        for (MalformedRows m : r.malformed()) {
            out.printf("malformed rows left out of %s: %,d, for example%n", m.file(), m.count());
            m.examples().forEach(x -> out.println("  " + x));
        }
        out.flush();
        return 0;
    }
}
