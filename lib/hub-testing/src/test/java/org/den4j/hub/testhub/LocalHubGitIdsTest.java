package org.den4j.hub.testhub;

import static org.den4j.hub.testhub.Http.bytes;
import static org.den4j.hub.testhub.Http.json;
import static org.den4j.hub.testhub.Http.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hub's object ids are Git's: checked against the {@code git} command where it exists. */
class LocalHubGitIdsTest {

    private final Http http = new Http();

    @Test
    void commitIdsRepeatForTheSameCalls() {
        String[] first = twoCommits();
        String[] second = twoCommits();
        assertEquals(List.of(first), List.of(second));
        assertNotEquals(first[0], first[1]);
    }

    private static String[] twoCommits() {
        try (LocalHub hub = LocalHub.start()) {
            hub.createRepo("acme/tiny");
            String a = hub.commit("acme/tiny", "main", Map.of("config.json", utf8("{}")));
            String b = hub.commit("acme/tiny", "main", Map.of("config.json", utf8("{\"a\":1}")));
            return new String[] {a, b};
        }
    }

    @Test
    void blobTreeAndCommitIdsMatchGit(@TempDir Path work) throws Exception {
        assumeTrue(gitWorks(work), "git is not installed");
        byte[] weights = bytes(5000, 3);
        Map<String, byte[]> files = new TreeMap<>();
        files.put("config.json", utf8("{\"model_type\":\"qwen2\"}\n"));
        files.put("model.safetensors", weights);
        files.put("tokenizer/vocab.txt", utf8("a\nb\n"));
        files.put("tokenizer-extra.txt", utf8("sorts between 'tokenizer' and 'tokenizer/'\n"));
        files.put("a/b/c/deep.txt", utf8("deep\n"));
        try (LocalHub hub = LocalHub.start()) {
            String first = hub.createRepo("acme/tiny");
            String second = hub.commit("acme/tiny", "main", files, LfsRule.DEFAULT);

            // The same tree in Git: .gitattributes, plain files, and the LFS pointer in place
            // of the weights.
            Path repo = work.resolve("repo");
            git(work, "init", "-q", repo.toString());
            byte[] gitattributes = http.get(hub.baseUrl() + "/acme/tiny/resolve/main/.gitattributes").body();
            write(repo.resolve(".gitattributes"), gitattributes);
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                byte[] content = file.getKey().endsWith(".safetensors")
                        ? utf8("version https://git-lfs.github.com/spec/v1\noid sha256:"
                                + Http.sha256(weights) + "\nsize " + weights.length + "\n")
                        : file.getValue();
                write(repo.resolve(file.getKey()), content);
            }
            git(repo, "add", "-A");
            String tree = git(repo, "write-tree");
            JsonNode entries = json(http.get(hub.baseUrl()
                    + "/api/models/acme/tiny/tree/main?recursive=true"));
            assertEquals(10, entries.size());
            for (JsonNode entry : entries) {
                String path = entry.get("path").asText();
                assertEquals(git(repo, "rev-parse", tree + ":" + path), entry.get("oid").asText(), path);
            }

            // The commit objects: same tree, parent, author, date and message.
            String gitattributesId = git(repo, "rev-parse", tree + ":.gitattributes");
            assertEquals(gitCommit(repo, mktree(repo, gitattributesId), null, "initial commit",
                    1_704_067_200L), first);
            assertEquals(gitCommit(repo, tree, first, "Upload 5 files", 1_704_067_260L), second);
        }
    }

    /** A tree holding only .gitattributes with the given blob id. */
    private static String mktree(Path repo, String blobId) throws Exception {
        return run(new ProcessBuilder("git", "mktree").directory(repo.toFile()),
                "100644 blob " + blobId + "\t.gitattributes\n");
    }

    private static String gitCommit(Path repo, String tree, String parent, String message,
            long seconds) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("git", "commit-tree", tree));
        if (parent != null) {
            command.addAll(List.of("-p", parent));
        }
        command.addAll(List.of("-m", message));
        ProcessBuilder builder = new ProcessBuilder(command).directory(repo.toFile());
        Map<String, String> env = builder.environment();
        env.put("GIT_AUTHOR_NAME", "LocalHub");
        env.put("GIT_AUTHOR_EMAIL", "localhub@den4j.invalid");
        env.put("GIT_AUTHOR_DATE", seconds + " +0000");
        env.put("GIT_COMMITTER_NAME", "LocalHub");
        env.put("GIT_COMMITTER_EMAIL", "localhub@den4j.invalid");
        env.put("GIT_COMMITTER_DATE", seconds + " +0000");
        return run(builder, null);
    }

    private static boolean gitWorks(Path dir) {
        try {
            git(dir, "--version");
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private static String git(Path dir, String... args) throws Exception {
        String[] command = new String[args.length + 1];
        command[0] = "git";
        System.arraycopy(args, 0, command, 1, args.length);
        return run(new ProcessBuilder(command).directory(dir.toFile()), null);
    }

    private static String run(ProcessBuilder builder, String stdin) throws Exception {
        builder.redirectErrorStream(true);
        builder.environment().put("GIT_CONFIG_NOSYSTEM", "1");
        builder.environment().put("HOME", builder.directory().getAbsolutePath());
        Process process = builder.start();
        if (stdin != null) {
            process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        process.getOutputStream().close();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException(builder.command() + " failed: " + out);
        }
        return out;
    }

    private static void write(Path file, byte[] content) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, content);
    }
}
