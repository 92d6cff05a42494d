package org.den4j.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The ./jbang wrapper as scripts see it: clean stdout, exit codes and arguments passed through. */
class JbangWrapperTest {

    private static Path script;

    @BeforeAll
    static void writeScript() throws IOException {
        Path dir = Files.createDirectories(RepoRoot.find().resolve("tests/target/jbang-scripts"));
        script = dir.resolve("echo_args.java");
        Files.writeString(script, """
                ///usr/bin/env jbang "$0" "$@" ; exit $?
                public class echo_args {
                    public static void main(String[] args) {
                        System.out.println(String.join("|", args));
                        System.exit(args.length > 0 && args[0].equals("fail") ? 3 : 0);
                    }
                }
                """);
    }

    @Test
    void stdoutHoldsOnlyWhatTheScriptPrints() {
        Jbang.Result result = Jbang.inRepo().run(script.toString(), "one", "two");

        assertEquals(0, result.exitCode(), result::toString);
        assertEquals("one|two\n", result.stdout(), result::toString);
    }

    @Test
    void exitCodeOfTheScriptIsTheExitCodeOfTheWrapper() {
        Jbang.Result result = Jbang.inRepo().run(script.toString(), "fail");

        assertEquals(3, result.exitCode(), result::toString);
        assertEquals("fail\n", result.stdout(), result::toString);
    }

    @Test
    void argumentsWithSpacesAndQuotesArriveIntact() {
        Jbang.Result result = Jbang.inRepo().run(script.toString(), "a b", "it's", "$HOME", "\"q\"");

        assertEquals("a b|it's|$HOME|\"q\"\n", result.stdout(), result::toString);
    }
}
