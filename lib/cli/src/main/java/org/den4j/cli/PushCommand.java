package org.den4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.den4j.den.Den;
import org.den4j.den.MetadataDocument;
import org.den4j.den.ModelMetadata;
import org.den4j.den.ProgressBar;
import org.den4j.den.PushRequest;
import org.den4j.den.PushResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "push", description = {"Stores a model directory as a new version of NAME.",
        "Prints NAME@VERSION and the digest; content the name already has is not stored again.",
        "When NAME is a registry entry without files (den register), the push attaches",
        "the files: the new version takes the entry's description, tags, metadata",
        "(where none are given) and aliases, and the entry retires."})
final class PushCommand extends Subcommand {
    @Parameters(index = "0", paramLabel = "DIR", description = "The model directory (every file under it is pushed).")
    Path directory;

    @Option(names = {"-n", "--name"}, required = true, paramLabel = "NAME",
            description = "The model name, Hub style, for example acme/icd-coder.")
    String name;

    @Option(names = {"-d", "--description"}, paramLabel = "TEXT", description = "What the model is.")
    String description;

    @Option(names = {"-t", "--tag"}, paramLabel = "TAG", description = "A tag; repeat for several.")
    List<String> tags = new ArrayList<>();

    @Option(names = "--parent", paramLabel = "REF", description = "The model this one derives from.")
    String parentRef;

    @Option(names = "--metadata", paramLabel = "FILE",
            description = "Registry metadata as JSON or YAML: den4j's keys (modelType, displayName, inputs, outputs, "
                    + "metrics, hardware, ...) or the Python model manager's (model_type, model_name, data_type, "
                    + "performance_metrics, hardware_requirements, ...). An unknown key is an error.")
    Path metadata;

    @Option(names = "--follow-symlinks", description = "Push what symbolic links inside the folder point to; "
            + "without it a link is refused. A link out of the folder is refused either way, and so are FIFOs "
            + "and devices.")
    boolean followSymlinks;

    @Override
    int run(Den den) {
        MetadataDocument doc = MetadataFile.readFor(metadata, name);
        ModelMetadata.Builder meta = doc.metadata().toBuilder();
        // A version's own times are those of its push here: the file's are kept beside the metadata.
        if (doc.created() != null) {
            meta.extra("created_at", doc.created().toString());
        }
        if (doc.updated() != null) {
            meta.extra("updated_at", doc.updated().toString());
        }
        PushRequest request = PushRequest.builder(directory, name)
                .description(description == null ? doc.description() : description)
                .tags(tags.isEmpty() && doc.tags() != null ? doc.tags() : tags).parent(parentRef)
                .metadata(meta.build()).progress(progress()).followSymlinks(followSymlinks).build();
        report(out(), err(), den.push(request));
        return ok();
    }

    /** Prints {@code NAME@VERSION sha256:DIGEST} on stdout and what was stored on stderr. */
    static void report(PrintWriter out, PrintWriter err, PushResult result) {
        out.println(result.model().ref() + " sha256:" + result.model().digest());
        out.flush();
        if (result.alreadyPresent()) {
            err.println("already present as " + result.model().ref() + ", no new version");
        } else {
            err.println("pushed " + result.model().ref() + ": " + result.model().fileCount() + " file(s), "
                    + ProgressBar.bytes(result.model().size()) + " ("
                    + ProgressBar.bytes(result.newBytes()) + " new, "
                    + ProgressBar.bytes(result.reusedBytes()) + " already in the den)");
        }
        err.flush();
    }

    @Override
    boolean createsDen() {
        return true;
    }
}
