///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DEPS org.den4j:den4j-bench:0.1.0
//DEPS org.slf4j:slf4j-nop:2.0.17
//JAVA_OPTIONS -Dai.djl.offline=true
//DESCRIPTION Checks a GGUF export in llama.cpp against den4j on the coder prompt; exit 1 below the threshold.

import org.den4j.bench.TestExportCommand;

/** The test-export command line; the command lives in lib/bench (org.den4j.bench.TestExportCommand). */
class test_export {
    public static void main(String... args) {
        System.exit(TestExportCommand.commandLine().execute(args));
    }
}
