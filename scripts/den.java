///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DEPS org.den4j:den4j-cli:0.1.0
//DEPS org.slf4j:slf4j-simple:2.0.17
//DESCRIPTION The den: push, list, search, fetch and look after models. Run with --help for the commands.

import org.den4j.cli.DenCommand;

/** The den command line; the commands live in lib/cli (org.den4j.cli.DenCommand). */
class den {
    public static void main(String... args) {
        System.exit(DenCommand.commandLine().execute(args));
    }
}
