package org.den4j.cli.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.den4j.den.DenConfigException;
import org.den4j.den.DenInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command lines {@link InjectedLaunch} builds for each kind of program, without starting any. */
class InjectedLaunchTest {
    private static final Path JDK = Path.of("/jdk");
    private static final Path AGENT = Path.of("/m2/den4j-agent-0.1.0.jar");

    @TempDir
    Path tmp;

    private static InjectedLaunch.Builder launch(String... target) {
        return InjectedLaunch.builder(List.of(target)).javaHome(JDK).jbang("/repo/jbang");
    }

    @Test
    void jarGetsTheAgentBeforeMinusJar() {
        InjectedLaunch l = launch("-jar", "app.jar", "x").agent(AGENT).prefix("den:").backend("team").build();
        assertEquals(InjectedLaunch.Kind.JAR, l.kind());
        assertEquals(List.of("/jdk/bin/java", "-javaagent:/m2/den4j-agent-0.1.0.jar=prefix=den:,backend=team",
                "-jar", "app.jar", "x"), l.command());
    }

    @Test
    void classPathFormsKeepTheirSpelling() {
        for (String cp : List.of("-cp", "-classpath", "--class-path")) {
            InjectedLaunch l = launch(cp, "a.jar:b.jar", "com.acme.Main", "x").agent(AGENT).build();
            assertEquals(InjectedLaunch.Kind.CLASSPATH, l.kind());
            assertEquals(List.of("/jdk/bin/java", "-javaagent:/m2/den4j-agent-0.1.0.jar", cp, "a.jar:b.jar",
                    "com.acme.Main", "x"), l.command());
        }
    }

    @Test
    void jshellGetsTheAgentInTheJvmThatRunsSnippets() {
        InjectedLaunch l = launch("jshell", "-q").agent(AGENT).prefix("den:").build();
        assertEquals(InjectedLaunch.Kind.JSHELL, l.kind());
        assertEquals(List.of("/jdk/bin/jshell", "-R-javaagent:/m2/den4j-agent-0.1.0.jar=prefix=den:", "-q"),
                l.command());
    }

    @Test
    void scriptsAndAliasesRunThroughJbangWithItsJavaagentOption() {
        InjectedLaunch l = launch("scripts/classify.java", "notes.txt").agent(AGENT).prefix("den:").build();
        assertEquals(InjectedLaunch.Kind.JBANG, l.kind());
        assertEquals(List.of("/repo/jbang", "run", "--javaagent=/m2/den4j-agent-0.1.0.jar=prefix=den:",
                "scripts/classify.java", "notes.txt"), l.command());
        assertEquals(List.of("/repo/jbang", "run", "pipeline"), launch("pipeline").build().command());
    }

    @Test
    void withoutAnAgentTheCommandIsPlain() {
        assertEquals(List.of("/jdk/bin/java", "-jar", "app.jar"), launch("-jar", "app.jar").build().command());
        assertEquals(List.of("/jdk/bin/jshell"), launch("jshell").build().command());
    }

    @Test
    void theMapperIsPassedAsAnAbsolutePath() throws Exception {
        Path mapper = Files.writeString(tmp.resolve("names.properties"), "a=den:b\n");
        assertEquals("prefix=den:,mapper=" + mapper.toAbsolutePath() + ",backend=s3,save=den-save:",
                InjectedLaunch.agentArguments("den:", mapper, "s3", "den-save:"));
        assertEquals("", InjectedLaunch.agentArguments(null, null, null, null));
        assertEquals("prefix=", InjectedLaunch.agentArguments("", null, null, null));
    }

    @Test
    void malformedTargetsSayWhatToGive() {
        assertEquals("No program to run: give one after --, as -jar APP.jar, -cp CLASSPATH MAIN, a JBang script "
                + "or alias, or jshell", assertThrows(DenInputException.class, () -> launch().build()).getMessage());
        assertEquals("-jar needs the jar to run: -jar APP.jar [ARGS]",
                assertThrows(DenInputException.class, () -> launch("-jar").build()).getMessage());
        assertEquals("-cp needs a class path and a main class: -cp CLASSPATH MAIN [ARGS]",
                assertThrows(DenInputException.class, () -> launch("-cp", "a.jar").build()).getMessage());
        assertEquals("Unknown program form '-Xmx1g': give -jar APP.jar, -cp CLASSPATH MAIN, a JBang script or "
                + "alias, or jshell", assertThrows(DenInputException.class,
                () -> launch("-Xmx1g", "-jar", "a.jar").build()).getMessage());
    }

    @Test
    void optionsThatWouldBreakTheAgentStringAreRefused() {
        assertEquals("--prefix 'a,b' cannot be passed to the agent: it holds a comma, which separates the "
                + "agent's options", assertThrows(DenInputException.class,
                () -> launch("jshell").agent(AGENT).prefix("a,b").build()).getMessage());
        DenConfigException e = assertThrows(DenConfigException.class,
                () -> launch("jshell").agent(AGENT).mapper(tmp.resolve("none.json")).build());
        assertEquals("--mapper", e.variable());
    }

    @Test
    void theRepoJbangWrapperIsFoundFromASubfolder() throws Exception {
        Path repo = Files.createDirectories(tmp.resolve("repo"));
        Files.writeString(repo.resolve("jbang-catalog.json"), "{}");
        Path wrapper = Files.writeString(repo.resolve("jbang"), "#!/bin/sh\n");
        wrapper.toFile().setExecutable(true);
        Path sub = Files.createDirectories(repo.resolve("a/b"));
        assertEquals(wrapper.toString(), InjectedLaunch.findJbang(sub, Map.of()));
        assertEquals("/opt/jbang", InjectedLaunch.findJbang(sub, Map.of("DEN4J_JBANG", "/opt/jbang")));
        assertEquals("jbang", InjectedLaunch.findJbang(tmp, Map.of()));
    }
}
