package org.den4j.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.den4j.den.Den;
import org.den4j.den.DenInputException;
import org.den4j.den.ExternalSources;
import org.den4j.den.MetadataDocument;
import org.den4j.den.ModelInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "register", description = {"Registers a model without its files (an entry without files).",
        "The entry lists, searches and shows like any model, marked (no files);",
        "den fetch of it says where the bytes are; a later den push DIR --name NAME",
        "attaches them. Prints NAME@VERSION. Examples:",
        "  den register acme/coder --metadata coder.yaml",
        "      metadata in den4j's keys or the Python model manager's",
        "  den register hf:org/name@REV",
        "      reads config.json and README.md only, never the weights"})
final class RegisterCommand extends Subcommand {
    @Parameters(index = "0", paramLabel = "NAME|hf:org/name@REV", description = "The model name, or a Hub model.")
    String target;

    @Option(names = "--metadata", paramLabel = "FILE", description = "Registry metadata as JSON or YAML, in den4j's "
            + "keys or the Python model manager's (model_id, model_name, data_type, performance_metrics, ...).")
    Path metadata;

    @Option(names = {"-n", "--name"}, paramLabel = "NAME", description = "The den name of a Hub model (default org/name).")
    String name;

    @Option(names = {"-d", "--description"}, paramLabel = "TEXT", description = "What the model is.")
    String description;

    @Option(names = {"-t", "--tag"}, paramLabel = "TAG", description = "A tag; repeat for several.")
    List<String> tags = new ArrayList<>();

    @Override
    int run(Den den) {
        ModelInfo entry;
        if (ExternalSources.schemeOf(target) != null) {
            if (metadata != null) {
                throw new DenInputException("--metadata goes with a NAME; a Hub entry takes its metadata from "
                        + "config.json and the model card (register it, then import a registry file to change it)");
            }
            entry = den.registerExternal(target, name, progress());
            if (description != null || !tags.isEmpty()) {
                entry = den.update(entry.ref(), description, tags.isEmpty() ? null : tags, null);
            }
        } else {
            if (name != null && !name.equals(target)) {
                throw new DenInputException("--name " + name + " differs from NAME " + target + "; give the name once");
            }
            MetadataDocument doc = MetadataFile.readFor(metadata, target);
            entry = den.register(target, new MetadataDocument(null, null,
                    description != null ? description : doc.description(), tags.isEmpty() ? doc.tags() : tags,
                    doc.created(), doc.updated(), doc.metadata()));
        }
        out().println(entry.ref() + " (no files)");
        out().flush();
        return ok();
    }

    @Override
    boolean createsDen() {
        return true;
    }
}
