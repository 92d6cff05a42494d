package org.den4j.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.den4j.den.CompatibilityMatrix;
import org.den4j.den.Den;
import org.den4j.den.format.Json;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "registry", description = "Views over the whole registry.",
        subcommands = RegistryCommand.Matrix.class)
final class RegistryCommand implements Callable<Integer> {
    @ParentCommand
    DenCommand parent;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return CommandLine.ExitCode.USAGE;
    }

    @Command(name = "matrix", description = {
            "The compatibility matrix: for each input data type, the output types",
            "reachable from it, the models that go there directly, and a shortest",
            "chain of models (a TEXT->IMAGE model then an IMAGE->TEXT one make",
            "TEXT->TEXT reachable). Uses the latest version of each model.",
            "Example: den registry matrix --json"})
    static final class Matrix implements Callable<Integer> {
        @ParentCommand
        RegistryCommand registry;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--json", description = "Print {\"pairs\":[{\"input\",\"output\",\"direct\":[MODEL...],"
                + "\"chain\":[{\"model\",\"input\",\"output\"}...]}...]}.")
        boolean json;

        @Override
        public Integer call() {
            CompatibilityMatrix matrix;
            try (Den den = registry.parent.openExisting()) {
                matrix = CompatibilityMatrix.of(den);
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                ModelListing.printJson(out, Json.MAPPER.valueToTree(matrix));
                return CommandLine.ExitCode.OK;
            }
            if (matrix.pairs().isEmpty()) {
                PrintWriter err = spec.commandLine().getErr();
                err.println("no model declares input and output data types; give them in the metadata "
                        + "(den push --metadata FILE with inputs and outputs)");
                err.flush();
                return CommandLine.ExitCode.OK;
            }
            TextTable table = new TextTable("INPUT", "OUTPUT", "DIRECT", "SHORTEST CHAIN");
            for (CompatibilityMatrix.Pair p : matrix.pairs()) {
                table.row(p.input(), p.output(), String.join(", ", p.direct()), chain(p.chain()));
            }
            table.print(out);
            return CommandLine.ExitCode.OK;
        }

        /** {@code a@1} for one model, {@code a@1 -> IMAGE -> b@1} for a chain (the types between the models). */
        static String chain(List<CompatibilityMatrix.Step> steps) {
            return steps.get(0).model() + steps.stream().skip(1).map(s -> " -> " + s.input() + " -> " + s.model())
                    .collect(Collectors.joining());
        }
    }
}
