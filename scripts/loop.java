///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DEPS org.den4j:den4j-loop:0.1.0
//DEPS org.slf4j:slf4j-simple:2.0.17
//JAVA_OPTIONS -Dai.djl.offline=true
//DESCRIPTION The feedback loop: serve (the multi-tenant server on PostgreSQL), tenant add (prints the admin key), worker (training processes). Run with --help for the options.

import org.den4j.loop.LoopCommand;

/** The loop command line; the commands live in lib/loop (org.den4j.loop.LoopCommand). */
class loop {
    public static void main(String... args) {
        System.exit(LoopCommand.commandLine().execute(args));
    }
}
