///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DEPS org.den4j:den4j-data:0.1.0
//DEPS org.slf4j:slf4j-nop:2.0.17
//DESCRIPTION Loads MIMIC-III or MIMIC-IV into DuckDB with views and patient-level splits. Run with --help for the options.

import org.den4j.command.Commands;
import org.den4j.data.cli.PrepareMimicCommand;

/** The prepare-mimic command line; the command lives in lib/data (org.den4j.data.cli.PrepareMimicCommand). */
class prepare_mimic {
    public static void main(String... args) {
        System.exit(Commands.line(new PrepareMimicCommand(System.err)).execute(args));
    }
}
