package org.den4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code den run} starting real JVMs with a stand-in agent ({@link ProbeJars}): each target kind, the agent's
 * options, exit codes, standard streams and the DEN4J_* variables the program gets. The runner itself runs
 * in a new JVM so that the program inherits real file descriptors. JBang targets are tested end to end in
 * tests/ (InjectionRunnerTest).
 */
class RunCommandTest {
    @TempDir
    static Path tmp;
    static ProbeJars probe;
    static Map<String, String> env;

    @BeforeAll
    static void jars() throws Exception {
        probe = new ProbeJars(tmp);
        env = Map.of("DEN4J_AGENT_JAR", probe.agentJar.toString());
    }

    @Test
    void jarRunsWithTheAgentAndItsOptionsAndGetsTheDen() throws Exception {
        Path mapper = Files.writeString(tmp.resolve("names.properties"), "bert=den:acme/bert\n");
        Path den = tmp.resolve("den");
        ProbeJars.Run run = ProbeJars.denInNewJvm(tmp, "", env, "--den", den.toString(), "run", "--with-injection",
                "--prefix", "den:", "--mapper", mapper.toString(), "--backend", "team", "--",
                "-jar", probe.appJar.toString(), "a", "--flag");
        assertEquals(0, run.exit(), run::toString);
        assertEquals("agent=prefix=den:,mapper=" + mapper.toAbsolutePath() + ",backend=team args=a --flag den="
                + den.toAbsolutePath() + " type=null\n", run.out(), run::toString);
    }

    @Test
    void withoutInjectionTheProgramRunsPlainly() throws Exception {
        ProbeJars.Run run = ProbeJars.denInNewJvm(tmp, "", env, "--type", "local_user", "run", "--",
                "-jar", probe.appJar.toString());
        assertEquals(0, run.exit(), run::toString);
        assertEquals("agent=null args= den=null type=local_user\n", run.out(), run::toString);
    }

    @Test
    void classPathFormRunsWithTheAgentAndPassesTheExitCodeOn() throws Exception {
        ProbeJars.Run run = ProbeJars.denInNewJvm(tmp, "", env, "run", "--with-injection", "--",
                "-cp", probe.appJar.toString(), "probe.Main", "exit=7");
        assertEquals(7, run.exit(), run::toString);
        assertEquals("agent= args=exit=7 den=null type=null\n", run.out(), run::toString);
    }

    @Test
    void jshellReadsStdinAndItsSnippetsRunWithTheAgent() throws Exception {
        String stdin = """
                System.out.println("snippet agent=" + System.getProperty("probe.agent"))
                /exit 5
                """;
        ProbeJars.Run run = ProbeJars.denInNewJvm(tmp, stdin, env, "run", "--with-injection", "--prefix", "den:",
                "--", "jshell", "-q");
        assertEquals(5, run.exit(), run::toString);
        assertTrue(run.out().contains("snippet agent=prefix=den:\n"), run::toString);
    }

    @Test
    void jshellRunsAScriptThenTheSnippetsOnStdinInTheSameSession() throws Exception {
        Path script = Files.writeString(tmp.resolve("setup.jsh"), """
                String greeting = "hello from the script";
                System.out.println("script ran, agent=" + System.getProperty("probe.agent"));
                """);
        String stdin = """
                System.out.println(greeting.replace("the script", "stdin"))
                int later = greeting.length()
                System.out.println("later=" + later)
                /exit later - 21
                """;
        ProbeJars.Run run = ProbeJars.denInNewJvm(tmp, stdin, env, "run", "--with-injection", "--prefix", "den:",
                "--", "jshell", "-q", script.toString());
        assertEquals(0, run.exit(), run::toString); // "hello from the script" has 21 characters
        String out = run.out();
        assertTrue(out.contains("script ran, agent=prefix=den:\n"), run::toString);
        assertTrue(out.indexOf("hello from stdin\n") > out.indexOf("script ran"), run::toString);
        assertTrue(out.contains("later=21\n"), run::toString);
    }

    @Test
    void codeStringRunsInJShellWithTheAgentTheDenAndTheDefaultImports() throws Exception {
        Path den = tmp.resolve("code-den");
        ProbeJars.Run run = ProbeJars.denInNewJvm(tmp, "from stdin\n", env, "--den", den.toString(), "run",
                "--with-injection", "--prefix", "den:", "--code", """
                        System.out.println("agent=" + System.getProperty("probe.agent"));
                        List<Integer> xs = new ArrayList<>(List.of(6, 7));
                        int product(List<Integer> v) { return v.stream().reduce(1, (a, b) -> a * b); }
                        System.out.println(product(xs) + " den=" + Path.of(System.getenv("DEN4J_PATH")).getFileName());
                        System.out.println(new BufferedReader(new InputStreamReader(System.in)).readLine())
                        """);
        assertEquals(0, run.exit(), run::toString);
        assertEquals("agent=prefix=den:\n42 den=code-den\nfrom stdin\n", run.out(), run::toString);
    }

    @Test
    void aThrowingCodeStringExitsOneAndStopsThere() throws Exception {
        ProbeJars.Run run = ProbeJars.denInNewJvm(tmp, "", env, "run", "--code",
                "System.out.println(\"before\"); if (true) throw new IllegalStateException(\"boom\"); "
                        + "System.out.println(\"after\");");
        assertEquals(1, run.exit(), run::toString);
        assertEquals("before\n", run.out(), run::toString);
        assertTrue(run.err().startsWith("Exception java.lang.IllegalStateException: boom\n\tat "), run::toString);
    }

    @Test
    void aCodeStringThatDoesNotCompileExitsTwoWithTheCompilerMessage() throws Exception {
        ProbeJars.Run run = ProbeJars.denInNewJvm(tmp, "", env, "run", "--code",
                "System.out.println(\"ran\"); int n = \"text\";");
        assertEquals(2, run.exit(), run::toString);
        assertEquals("ran\n", run.out(), run::toString);
        assertTrue(run.err().startsWith("den run --code: 'int n = \"text\";' does not compile: incompatible types: "),
                run::toString);
        ProbeJars.Run open = ProbeJars.denInNewJvm(tmp, "", env, "run", "--code", "System.out.println(\"ran\"");
        assertEquals(2, open.exit(), open::toString);
        assertEquals("den run --code: the code ends in the middle of a statement: 'System.out.println(\"ran\"'; "
                + "close every bracket, string and statement\n", open.err(), open::toString);
    }

    @Test
    void systemExitInTheCodeIsTheExitCode() throws Exception {
        ProbeJars.Run run = ProbeJars.denInNewJvm(tmp, "", env, "run", "--with-injection", "--code",
                "System.out.println(\"bye\"); System.exit(4);");
        assertEquals(4, run.exit(), run::toString);
        assertEquals("bye\n", run.out(), run::toString);
    }

    @Test
    void codeWithAProgramOrClassPathWithoutCodeIsBadInput() {
        Cli.Result both = Cli.raw(Map.of(), "run", "--code", "int x = 1;", "--", "-jar", "app.jar");
        assertEquals(2, both.exit(), both::toString);
        assertEquals("den: Give either --code or a program after --, not both\n", both.err());
        Cli.Result cp = Cli.raw(Map.of(), "run", "--class-path", "lib/*", "--", "-jar", "app.jar");
        assertEquals(2, cp.exit(), cp::toString);
        assertEquals("den: --class-path is for --code; give a program's class path after --, as -cp CLASSPATH MAIN\n",
                cp.err());
    }

    @Test
    void aMissingAgentJarIsBadInputThatSaysWhereToGetIt() {
        Path missing = tmp.resolve("no-agent.jar");
        Cli.Result r = Cli.raw(Map.of("DEN4J_AGENT_JAR", missing.toString()), "run", "--with-injection", "--",
                "-jar", "app.jar");
        assertEquals(2, r.exit(), r::toString);
        assertEquals("den: DEN4J_AGENT_JAR=" + missing + " is not a file; point it at den4j-agent-0.1.0.jar "
                + "(lib/agent/target/ after mvn -pl lib/agent -am package), or unset it to use the one in the local "
                + "Maven repository\n", r.err());
        assertEquals("", r.out());
    }

    @Test
    void anAgentMissingFromTheMavenRepositoryNamesThePathAndTheFix() {
        Cli.Result r = Cli.raw(Map.of("DEN4J_M2_REPO", tmp.resolve("m2").toString()), "run", "--with-injection",
                "--", "-jar", "app.jar");
        assertEquals(2, r.exit(), r::toString);
        assertEquals("den: The den4j agent jar is not at " + tmp.resolve("m2") + "/org/den4j/den4j-agent/0.1.0/"
                + "den4j-agent-0.1.0.jar: install it with `mvn -DskipTests install` at the den4j repo root (./jbang "
                + "does this when lib/ changed), or set DEN4J_AGENT_JAR to the path of den4j-agent-0.1.0.jar\n",
                r.err());
    }

    @Test
    void agentOptionsWithoutInjectionAreBadInput() {
        Cli.Result r = Cli.raw(Map.of(), "run", "--prefix", "den:", "--", "-jar", "app.jar");
        assertEquals(2, r.exit(), r::toString);
        assertEquals("den: --prefix, --mapper, --backend and --save are options of the agent; add --with-injection "
                + "to start the program with it\n", r.err());
    }

    @Test
    void aMissingProgramIsAUsageError() {
        Cli.Result r = Cli.raw(Map.of(), "run", "--with-injection");
        assertEquals(2, r.exit(), r::toString);
        assertTrue(r.err().startsWith("den: Missing required parameter: 'PROGRAM'"), r::toString);
    }
}
