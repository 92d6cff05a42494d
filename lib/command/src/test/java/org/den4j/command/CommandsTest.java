package org.den4j.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.den4j.den.DenConfig;
import org.den4j.den.DenInputException;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

class CommandsTest {
    /** A command that throws what {@code --fail} names. */
    @Command(name = "probe")
    static final class Probe implements Callable<Integer> {
        @Option(names = "--fail", paramLabel = "KIND")
        String fail = "";

        @Mixin
        VerboseOption verbose;

        @Mixin
        DeviceOption device;

        @Mixin
        DenOption den;

        String seenDevice;

        @Override
        public Integer call() {
            seenDevice = device.device();
            switch (fail) {
                case "input":
                    throw new DenInputException("no model acme/x in the den; run den list");
                case "argument":
                    throw new IllegalArgumentException("--size must be positive, got -1");
                case "bug":
                    throw new IllegalStateException("boom");
                case "checksum":
                    throw new Checksum("model.safetensors: sha256 differs");
                default:
                    return Commands.OK;
            }
        }
    }

    /** A den4j-named failure that is not bad input, as a module would declare it. */
    static final class Checksum extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Checksum(String message) {
            super(message);
        }
    }

    record Run(int exit, String out, String err) {
    }

    static Run run(CommandLine cl, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void badInputExitsTwoWithOneLineNamedForTheCommand() {
        Run r = run(Commands.line(new Probe()), "--fail", "input");
        assertEquals(Commands.BAD_INPUT, r.exit());
        assertEquals("probe: no model acme/x in the den; run den list" + System.lineSeparator(), r.err());
    }

    @Test
    void illegalArgumentIsBadInputWithItsMessageOnly() {
        Run r = run(Commands.line(new Probe()), "--fail", "argument");
        assertEquals(2, r.exit());
        assertEquals("probe: --size must be positive, got -1" + System.lineSeparator(), r.err());
    }

    @Test
    void unexpectedErrorExitsOneAndPointsToVerbose() {
        Run r = run(Commands.line(new Probe()), "--fail", "bug");
        assertEquals(Commands.FAILURE, r.exit());
        assertTrue(r.err().startsWith("probe: java.lang.IllegalStateException: boom"), r.err());
        assertTrue(r.err().contains("run again with --verbose for the stack trace"), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
    }

    @Test
    void ownFailureExitsOneWithItsMessageOnly() {
        Run r = run(Commands.line(new Probe()), "--fail", "checksum");
        assertEquals(1, r.exit());
        assertEquals("probe: model.safetensors: sha256 differs" + System.lineSeparator(), r.err());
    }

    @Test
    void verboseShortAndLongPrintTheStackTrace() {
        for (String flag : new String[] {"-v", "--verbose"}) {
            Run r = run(Commands.line(new Probe()), "--fail", "bug", flag);
            assertEquals(1, r.exit());
            assertTrue(r.err().contains("\tat org.den4j.command.CommandsTest$Probe.call"), r.err());
            assertFalse(r.err().contains("run again"), r.err());
        }
    }

    @Test
    void unknownOptionIsOneLinePlusHelpPointer() {
        Run r = run(Commands.line(new Probe()), "--devise", "cpu");
        assertEquals(2, r.exit());
        assertTrue(r.err().startsWith("probe: Unknown options: '--devise', 'cpu'"), r.err());
        assertTrue(r.err().contains("Possible solutions: --device"), r.err());
        assertTrue(r.err().endsWith("Run 'probe --help' for usage." + System.lineSeparator()), r.err());
    }

    @Test
    void commandMapperAddsItsOwnCodesAndFallsBack() {
        CommandLine.IExitCodeExceptionMapper codes = e -> e instanceof Checksum ? 3 : Commands.exitCode(e);
        assertEquals(3, run(Commands.line(new Probe(), codes), "--fail", "checksum").exit());
        assertEquals(2, run(Commands.line(new Probe(), codes), "--fail", "input").exit());
        assertEquals(2, run(Commands.line(new Probe(), codes), "--no-such-option").exit());
        assertEquals(1, run(Commands.line(new Probe(), codes), "--fail", "bug").exit());
    }

    @Test
    void mixinsParseTheSharedOptions() {
        Probe probe = new Probe();
        assertEquals(0, run(Commands.line(probe), "--device", "cuda:1", "--den", "/tmp/d").exit());
        assertEquals("cuda:1", probe.seenDevice);
        assertEquals(Path.of("/tmp/d"), probe.den.path());
        Probe defaults = new Probe();
        assertEquals(0, run(Commands.line(defaults)).exit());
        assertEquals("auto", defaults.seenDevice);
        assertEquals(null, defaults.den.path());
    }

    @Test
    void denOptionWinsOverTheDenPathVariable() {
        Probe probe = new Probe();
        run(Commands.line(probe), "--den", "/tmp/den-a");
        DenConfig config = probe.den.config(Map.of("DEN4J_PATH", "/tmp/den-b"));
        assertEquals(Path.of("/tmp/den-a"), config.path());
    }

    @Test
    void badInputMarkerIsReadFromTheType() {
        assertEquals(2, Commands.exitCode(new DenInputException("bad name")));
        assertEquals(1, Commands.exitCode(new RuntimeException("x")));
    }
}
