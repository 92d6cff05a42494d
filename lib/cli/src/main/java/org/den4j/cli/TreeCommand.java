package org.den4j.cli;

import java.util.List;
import org.den4j.den.Den;
import org.den4j.den.LineageNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "tree", description = "Prints the lineage tree that holds REF, from its base model down; "
        + "without REF, every tree.")
final class TreeCommand extends Subcommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "REF", description = "Any model of the tree.")
    String ref;

    @Override
    int run(Den den) {
        List<LineageNode> trees = ref == null ? den.forest() : List.of(den.tree(ref));
        if (trees.isEmpty()) {
            err().println("den " + den.location() + " holds no models");
            err().flush();
            return ok();
        }
        for (LineageNode tree : trees) {
            out().print(tree.render());
        }
        out().flush();
        return ok();
    }
}
