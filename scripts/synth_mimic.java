///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DEPS org.den4j:den4j-data:0.1.0
//DEPS org.slf4j:slf4j-nop:2.0.17
//DESCRIPTION Writes a synthetic MIMIC-III or MIMIC-IV release (exact files, columns and compression). Run with --help for the options.

import org.den4j.command.Commands;
import org.den4j.data.cli.SynthMimicCommand;

/** The synth-mimic command line; the command lives in lib/data (org.den4j.data.cli.SynthMimicCommand). */
class synth_mimic {
    public static void main(String... args) {
        System.exit(Commands.line(new SynthMimicCommand(System.err)).execute(args));
    }
}
