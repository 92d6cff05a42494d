package org.den4j.cli;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import org.den4j.den.DataType;
import org.den4j.den.Den;
import org.den4j.den.ModelInfo;
import org.den4j.den.RegistryQuery;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "search", description = {"Finds models in the registry; every given criterion must match.",
        "Example: den search icd --tag mimic-iv --input text --output text --latest",
        "         den search --metric 'f1>=0.5' --metric 'inference_time_ms<100'",
        "         den search --metric 'f1>=0.5' --sort -f1"})
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

    @Option(names = "--metric", paramLabel = "COND", description = "A condition on a performance metric, NAME OP "
            + "NUMBER with OP one of >=, <=, >, <, =, != (e.g. 'f1>=0.5'); models without the metric fail it; "
            + "repeat for several, all must hold.")
    List<String> metrics = new ArrayList<>();

    @Option(names = "--sort", paramLabel = "[-]NAME", description = "Order by a metric: NAME ascending, -NAME "
            + "descending (e.g. --sort -f1); models without it come last.")
    String sort;

    @Option(names = "--json", description = "Print a JSON array of registry records.")
    boolean json;

    @Override
    int run(Den den) {
        RegistryQuery.Builder builder = RegistryQuery.builder().text(text).tags(tags).modelType(modelType)
                .architecture(architecture).input(input == null ? null : DataType.parse(input))
                .output(output == null ? null : DataType.parse(output)).latestOnly(latest).sortBy(sort);
        metrics.forEach(builder::metric);
        RegistryQuery query = builder.build();
        List<ModelInfo> found = den.search(query);
        if (found.isEmpty() && !json) {
            err().println("no models match; see all with den list");
            err().flush();
            return ok();
        }
        // The metrics asked about, as columns beside the usual ones.
        LinkedHashSet<String> shown = new LinkedHashSet<>();
        query.metrics().forEach(c -> shown.add(c.metric()));
        if (query.sortBy() != null) {
            shown.add(query.sortBy().metric());
        }
        ModelListing.print(out(), found, json, List.copyOf(shown));
        return ok();
    }
}
