package org.den4j.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.den4j.den.Den;
import org.den4j.den.PushRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "import", description = {"Imports a zip pack (from den export) or a model directory under NAME.",
        "Prints NAME@VERSION and the digest. A pack's own description, tags and metadata fill what is not given."})
final class ImportCommand extends Subcommand {
    @Parameters(index = "0", paramLabel = "FILE.zip|DIR", description = "The zip pack or model directory.")
    Path source;

    @Option(names = {"-n", "--name"}, required = true, paramLabel = "NAME", description = "The model name.")
    String name;

    @Option(names = {"-d", "--description"}, paramLabel = "TEXT", description = "What the model is.")
    String description;

    @Option(names = {"-t", "--tag"}, paramLabel = "TAG", description = "A tag; repeat for several.")
    List<String> tags = new ArrayList<>();

    @Option(names = "--parent", paramLabel = "REF", description = "The model this one derives from.")
    String parentRef;

    @Override
    int run(Den den) {
        PushRequest request = PushRequest.builder(source, name).description(description).tags(tags)
                .parent(parentRef).progress(progress()).build();
        PushCommand.report(out(), err(), den.importPack(source, request));
        return ok();
    }

    @Override
    boolean createsDen() {
        return true;
    }
}
