///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DEPS org.den4j:den4j-cli:0.1.0
//DEPS org.slf4j:slf4j-nop:2.0.17
//DESCRIPTION Downloads the models of config/models.yaml from the Hugging Face Hub into the Hub cache, checked. Run with --help for the options.

import org.den4j.cli.HubCommand;

/** The hub command line; the command lives in lib/cli (org.den4j.cli.HubCommand). */
class hub {
    public static void main(String... args) {
        System.exit(HubCommand.commandLine().execute(args));
    }
}
