package org.den4j.cli;

import java.util.List;
import org.den4j.den.Den;
import org.den4j.den.ModelInfo;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "list", description = "Lists model versions, by name then version.")
final class ListCommand extends Subcommand {
    @Option(names = "--json", description = "Print a JSON array of registry records.")
    boolean json;

    @ArgGroup(exclusive = true)
    Filter filter;

    static final class Filter {
        @Option(names = "--base", description = "Only models without a parent.")
        boolean base;

        @Option(names = "--derivatives-of", paramLabel = "REF",
                description = "Only models derived from REF, directly or not.")
        String derivativesOf;
    }

    @Override
    int run(Den den) {
        List<ModelInfo> models = filter == null ? den.list()
                : filter.derivativesOf != null ? den.listDerivatives(filter.derivativesOf) : den.listBase();
        if (models.isEmpty() && !json) {
            err().println(filter == null ? "den " + den.location() + " holds no models; add one with den push DIR "
                    + "--name NAME" : "no models match");
            err().flush();
            return ok();
        }
        ModelListing.print(out(), models, json);
        return ok();
    }
}
