package org.den4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.den4j.den.io.FileTree;
import picocli.CommandLine;

/** Runs {@code den} in-process against a temporary den and captures what it prints. */
final class Cli {
    private final Path den;
    private final Map<String, String> env;

    Cli(Path den) {
        this(den, Map.of());
    }

    Cli(Path den, Map<String, String> env) {
        this.den = den;
        this.env = env;
    }

    /** The outcome of one command. */
    record Result(int exit, String out, String err) {
        /** The non-empty lines of stdout. */
        List<String> lines() {
            return out.lines().filter(l -> !l.isBlank()).toList();
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n--- out\n" + out + "--- err\n" + err;
        }
    }

    /** Runs {@code den --den DEN args...}. */
    Result den(String... args) {
        List<String> all = new ArrayList<>(List.of("--den", den.toString()));
        all.addAll(List.of(args));
        return raw(env, all.toArray(String[]::new));
    }

    /** Runs {@code den args...} with no --den added. */
    static Result raw(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = DenCommand.commandLine(env);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Result(exit, out.toString(), err.toString());
    }

    /** Writes a model directory of (path, content) pairs. */
    static Path model(Path dir, String... pathAndContent) throws IOException {
        Files.createDirectories(dir);
        for (int i = 0; i < pathAndContent.length; i += 2) {
            Path f = dir.resolve(pathAndContent[i]);
            Files.createDirectories(f.getParent());
            Files.writeString(f, pathAndContent[i + 1]);
        }
        return dir;
    }

    /** Removes every fetched model directory of a local den, as if its models had never been fetched. */
    static void deleteSnapshots(Path den) throws IOException {
        Path root = den.resolve("snapshots");
        try (var children = Files.list(root)) {
            for (Path p : children.toList()) {
                FileTree.delete(p);
            }
        }
    }

    static String sha256(String content) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(content.getBytes(StandardCharsets.UTF_8)));
    }

    /** The blob file of a content in a local den. */
    static Path blob(Path den, String content) throws Exception {
        String digest = sha256(content);
        return den.resolve("blobs").resolve("sha256").resolve(digest.substring(0, 2)).resolve(digest);
    }
}
