///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DEPS org.den4j:den4j-loop:0.1.0
//DEPS org.slf4j:slf4j-simple:2.0.17
//JAVA_OPTIONS -Dai.djl.offline=true
//DESCRIPTION Measures the feedback loop on embedded PostgreSQL: bulk ingestion vs COPY, predict p95 while training vs idle, failed predictions across 10 promotions with two servers, isolation of two tenants. Run with --help for the options.

import org.den4j.loop.LoopBenchmark;

/** The loop benchmark; the measurements live in lib/loop (org.den4j.loop.LoopBenchmark). */
class bench_loop {
    public static void main(String... args) {
        System.exit(LoopBenchmark.commandLine().execute(args));
    }
}
