///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DEPS org.den4j:den4j-data:0.1.0
//DEPS org.slf4j:slf4j-nop:2.0.17
//JAVA_OPTIONS -Dai.djl.offline=true
//DESCRIPTION Tokenized prompt/completion training sets from the MIMIC database, per split, into tokens.duckdb. Run with --help for the options.

import org.den4j.command.Commands;
import org.den4j.data.cli.PrepareTokensCommand;

/** The prepare-tokens command line; the command lives in lib/data (org.den4j.data.cli.PrepareTokensCommand). */
class prepare_tokens {
    public static void main(String... args) {
        System.exit(Commands.line(new PrepareTokensCommand(System.err)).execute(args));
    }
}
