package org.den4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.den4j.den.Den;
import org.den4j.den.DenInputException;
import org.den4j.den.ExternalSources;
import org.den4j.den.ImportedModel;
import org.den4j.den.ModelInfo;
import org.den4j.den.ProgressListener;
import org.den4j.den.PushRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "import", description = {"Imports zip packs, model directories or Hub models (hf:org/name@REV).",
        "Prints NAME@VERSION and the digest of each. A zip pack (from den export)",
        "brings its own description, tags and metadata; a Hub model's come from its",
        "config.json and model card. With several sources or --from-file, one",
        "failure does not stop the others: a summary follows, and the exit code is 1",
        "when any failed. Examples:",
        "  den import hf:org/a hf:org/b@v1 --metadata-only",
        "      registry entries without files, no weights downloaded",
        "  den import --from-file models.txt",
        "      one reference a line, # comments"})
final class ImportCommand extends Subcommand {
    @Parameters(arity = "0..*", paramLabel = "FILE.zip|DIR|hf:org/name@REV",
            description = "The zip packs, model directories or Hub models.")
    List<String> sources = new ArrayList<>();

    @Option(names = "--from-file", paramLabel = "LIST",
            description = "A file of sources, one a line; blank lines and text after # are ignored.")
    Path fromFile;

    @Option(names = "--metadata-only", description = "Register Hub models without their files (as den "
            + "register does): only config.json and README.md are read.")
    boolean metadataOnly;

    @Option(names = {"-n", "--name"}, paramLabel = "NAME",
            description = "The model name; required for a zip or directory, org/name by default for hf:. "
                    + "Only with one source.")
    String name;

    @Option(names = {"-d", "--description"}, paramLabel = "TEXT", description = "What the model is.")
    String description;

    @Option(names = {"-t", "--tag"}, paramLabel = "TAG", description = "A tag; repeat for several.")
    List<String> tags = new ArrayList<>();

    @Option(names = "--parent", paramLabel = "REF", description = "The model this one derives from.")
    String parentRef;

    @Override
    int run(Den den) {
        List<String> all = new ArrayList<>(sources);
        if (fromFile != null) {
            all.addAll(readList(fromFile));
        }
        if (all.isEmpty()) {
            throw new DenInputException("Nothing to import; give FILE.zip, DIR or hf:org/name@REV, or --from-file LIST");
        }
        if (name != null && all.size() > 1) {
            throw new DenInputException("--name names one model, but " + all.size() + " sources were given; leave "
                    + "--name out (Hub models take their org/name)");
        }
        if (all.size() == 1 && fromFile == null) {
            importOne(den, all.get(0));
            return ok();
        }
        int failed = 0;
        for (String source : all) {
            try {
                importOne(den, source);
            } catch (RuntimeException e) { // DenException, or anything else: the next source still runs
                failed++;
                err().println("failed " + source + ": " + e.getMessage());
                err().flush();
            }
        }
        err().println((metadataOnly ? "registered " : "imported ") + (all.size() - failed) + " of " + all.size()
                + (failed == 0 ? "" : "; " + failed + " failed"));
        err().flush();
        return failed == 0 ? ok() : 1;
    }

    private void importOne(Den den, String source) {
        boolean external = ExternalSources.schemeOf(source) != null;
        if (metadataOnly) {
            if (!external) {
                throw new DenInputException("--metadata-only registers Hub models (hf:org/name@REV); '" + source
                        + "' is a zip or directory, which brings its files: import it without --metadata-only");
            }
            ModelInfo entry = den.registerExternal(source, name, progress());
            if (description != null || !tags.isEmpty()) {
                entry = den.update(entry.ref(), description, tags.isEmpty() ? null : tags, null);
            }
            out().println(entry.ref() + " (no files)");
            out().flush();
            return;
        }
        if (external) {
            ProgressListener progress = progress();
            ImportedModel model = den.fetchExternal(source, progress);
            PushRequest request = PushRequest.builder(model.directory(), name == null ? model.name() : name)
                    .description(description == null ? model.description() : description)
                    .tags(tags.isEmpty() ? model.tags() : tags).parent(parentRef).metadata(model.metadata())
                    .progress(progress).followSymlinksWithin(model.linkRoot()).build();
            PushCommand.report(out(), err(), den.push(request));
            return;
        }
        if (name == null) {
            throw new DenInputException("Missing --name: a zip or directory import needs the model name, "
                    + "for example --name acme/coder");
        }
        Path dir = Path.of(source);
        PushRequest request = PushRequest.builder(dir, name).description(description).tags(tags)
                .parent(parentRef).progress(progress()).build();
        PushCommand.report(out(), err(), den.importPack(dir, request));
    }

    /** The sources of a list file: one a line, text after {@code #} and blank lines ignored. */
    static List<String> readList(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new DenInputException("Cannot read import list " + file.toAbsolutePath() + ": " + e
                    + "; pass a text file with one reference a line", e);
        }
        List<String> sources = new ArrayList<>();
        for (String line : lines) {
            int hash = line.indexOf('#');
            String source = (hash < 0 ? line : line.substring(0, hash)).strip();
            if (!source.isEmpty()) {
                sources.add(source);
            }
        }
        if (sources.isEmpty()) {
            throw new DenInputException("Import list " + file.toAbsolutePath() + " holds no references; write one "
                    + "hf:org/name@REV (or zip, or directory) a line");
        }
        return sources;
    }

    @Override
    boolean createsDen() {
        return true;
    }
}
