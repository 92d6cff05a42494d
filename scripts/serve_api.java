///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DEPS org.den4j:den4j-serve:0.1.0
//DEPS org.slf4j:slf4j-simple:2.0.17
//JAVA_OPTIONS -Dai.djl.offline=true
//DESCRIPTION Serves an ICD coder over HTTP (REST and OpenAI-compatible endpoints, metrics, hot reload); prints the base URL.

import org.den4j.serve.api.cli.ServeApiCommand;

/** The serve-api command line; the command lives in lib/serve (org.den4j.serve.api.cli.ServeApiCommand). */
class serve_api {
    public static void main(String... args) {
        System.exit(ServeApiCommand.commandLine().execute(args));
    }
}
