package org.den4j.cli;

import java.util.ArrayList;
import java.util.List;
import org.den4j.den.DataType;
import org.den4j.den.Den;
import org.den4j.den.ModelInfo;
import org.den4j.den.RegistryQuery;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "search", description = {"Finds models in the registry; every given criterion must match.",
        "Example: den search icd --tag mimic-iv --input text --output text --latest"})
final class SearchCommand extends Subcommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "QUERY",
            description = "Words that must each appear in the name, description or tags.")
    String text;

    @Option(names = {"-t", "--tag"}, paramLabel = "TAG", description = "A tag the model must carry; repeat for several.")
    List<String> tags = new ArrayList<>();

    @Option(names = {"--type", "--model-type"}, paramLabel = "TYPE",
            description = "The model type, for example decoder-only or embedding.")
    String modelType;

    @Option(names = "--architecture", paramLabel = "A", description = "The architecture, for example Qwen2ForCausalLM.")
    String architecture;

    @Option(names = "--input", paramLabel = "TYPE", description = "A data type some input takes: text, image, tokens, ...")
    String input;

    @Option(names = "--output", paramLabel = "TYPE", description = "A data type some output gives.")
    String output;

    @Option(names = "--latest", description = "Only the latest version of each name.")
    boolean latest;

    @Option(names = "--json", description = "Print a JSON array of registry records.")
    boolean json;

    @Override
    int run(Den den) {
        RegistryQuery query = RegistryQuery.builder().text(text).tags(tags).modelType(modelType)
                .architecture(architecture).input(input == null ? null : DataType.parse(input))
                .output(output == null ? null : DataType.parse(output)).latestOnly(latest).build();
        List<ModelInfo> found = den.search(query);
        if (found.isEmpty() && !json) {
            err().println("no models match; see all with den list");
            err().flush();
            return ok();
        }
        ModelListing.print(out(), found, json);
        return ok();
    }
}
