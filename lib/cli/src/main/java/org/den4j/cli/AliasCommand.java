package org.den4j.cli;

import java.util.Map;
import org.den4j.den.AliasChange;
import org.den4j.den.Den;
import org.den4j.den.DenInputException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "alias", description = {"Points an alias of a model name at one of its versions, or removes it.",
        "  den alias NAME ALIAS VERSION   create or move NAME@ALIAS",
        "  den alias NAME ALIAS --remove  remove it",
        "  den alias NAME                 list the aliases of NAME",
        "  den alias NAME --history       every change of its aliases"})
final class AliasCommand extends Subcommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "The model name.")
    String name;

    @Parameters(index = "1", arity = "0..1", paramLabel = "ALIAS", description = "The alias, for example prod.")
    String alias;

    @Parameters(index = "2", arity = "0..1", paramLabel = "VERSION", description = "The version it points to.")
    Integer version;

    @Option(names = "--remove", description = "Remove the alias.")
    boolean remove;

    @Option(names = "--history", description = "Print every change of the aliases of NAME, oldest first.")
    boolean history;

    @Override
    int run(Den den) {
        if (history) {
            if (alias != null || remove) {
                throw new DenInputException("--history takes only NAME; write den alias " + name + " --history");
            }
            TextTable table = new TextTable("WHEN (UTC)", "ALIAS", "CHANGE", "USER");
            for (AliasChange c : den.aliasHistory(name)) {
                String change = c.version() == 0 ? "removed (was " + c.previous() + ")"
                        : c.previous() == 0 ? "-> " + c.version() : c.previous() + " -> " + c.version();
                table.row(ModelListing.date(c.at()), c.alias(), change, c.user());
            }
            printOrSay(table, "model " + name + " has no alias history");
            return ok();
        }
        if (alias == null) {
            if (remove) {
                throw new DenInputException("--remove needs the alias; write den alias " + name + " ALIAS --remove");
            }
            den.show(name);
            TextTable table = new TextTable("ALIAS", "MODEL");
            for (Map.Entry<String, Integer> e : den.aliases(name).entrySet()) {
                table.row(e.getKey(), name + "@" + e.getValue());
            }
            printOrSay(table, "model " + name + " has no aliases; add one with den alias " + name + " ALIAS VERSION");
            return ok();
        }
        if (remove) {
            if (version != null) {
                throw new DenInputException("--remove takes no VERSION; write den alias " + name + " " + alias
                        + " --remove");
            }
            Integer was = den.aliases(name).get(alias);
            den.removeAlias(name, alias);
            out().println("removed " + name + "@" + alias + " (was version " + was + ")");
            out().flush();
            return ok();
        }
        if (version == null) {
            throw new DenInputException("Alias " + name + "@" + alias + " needs a VERSION to point to; write den alias "
                    + name + " " + alias + " VERSION, or --remove to remove it");
        }
        Integer was = den.aliases(name).get(alias);
        if (version.equals(was)) {
            den.show(name + "@" + version);
            out().println(name + "@" + alias + " -> " + version + " (unchanged)");
            out().flush();
            return ok();
        }
        den.alias(name, alias, version);
        out().println(name + "@" + alias + " -> " + version + (was == null ? " (new)" : " (was " + was + ")"));
        out().flush();
        return ok();
    }

    private void printOrSay(TextTable table, String none) {
        if (table.isEmpty()) {
            err().println(none);
            err().flush();
        } else {
            table.print(out());
        }
    }
}
