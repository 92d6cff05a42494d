package org.den4j.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.den4j.den.Den;
import org.den4j.den.DenInputException;
import org.den4j.den.ExternalSources;
import org.den4j.den.ImportedModel;
import org.den4j.den.ProgressListener;
import org.den4j.den.PushRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "import", description = {"Imports a zip pack (from den export), a model directory or a Hub model",
        "(hf:org/name@REV) under NAME. Prints NAME@VERSION and the digest. A pack's own description, tags and",
        "metadata fill what is not given; a Hub model's come from its config.json and model card."})
final class ImportCommand extends Subcommand {
    @Parameters(index = "0", paramLabel = "FILE.zip|DIR|hf:org/name@REV",
            description = "The zip pack, model directory or Hub model.")
    String source;

    @Option(names = {"-n", "--name"}, paramLabel = "NAME",
            description = "The model name; required for a zip or directory, org/name by default for hf:.")
    String name;

    @Option(names = {"-d", "--description"}, paramLabel = "TEXT", description = "What the model is.")
    String description;

    @Option(names = {"-t", "--tag"}, paramLabel = "TAG", description = "A tag; repeat for several.")
    List<String> tags = new ArrayList<>();

    @Option(names = "--parent", paramLabel = "REF", description = "The model this one derives from.")
    String parentRef;

    @Override
    int run(Den den) {
        if (ExternalSources.schemeOf(source) != null) {
            ProgressListener progress = progress();
            ImportedModel model = den.fetchExternal(source, progress);
            PushRequest request = PushRequest.builder(model.directory(), name == null ? model.name() : name)
                    .description(description == null ? model.description() : description)
                    .tags(tags.isEmpty() ? model.tags() : tags).parent(parentRef).metadata(model.metadata())
                    .progress(progress).followSymlinksWithin(model.linkRoot()).build();
            PushCommand.report(out(), err(), den.push(request));
            return ok();
        }
        if (name == null) {
            throw new DenInputException("Missing --name: a zip or directory import needs the model name, "
                    + "for example --name acme/coder");
        }
        Path dir = Path.of(source);
        PushRequest request = PushRequest.builder(dir, name).description(description).tags(tags)
                .parent(parentRef).progress(progress()).build();
        PushCommand.report(out(), err(), den.importPack(dir, request));
        return ok();
    }

    @Override
    boolean createsDen() {
        return true;
    }
}
