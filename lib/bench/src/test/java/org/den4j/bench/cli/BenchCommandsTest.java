package org.den4j.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.den4j.command.Commands;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BenchCommandsTest {
    record Run(int exit, String out, String err) {
    }

    static Run run(Object command, String... args) {
        CommandLine cl = Commands.line(command);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return new Run(cl.execute(args), out.toString(), err.toString());
    }

    @Test
    void invalidValueExitsTwoWithOneLineNamedForTheBenchmark() {
        Run r = run(new BenchDataCommand(), "--repeats", "0");
        assertEquals(2, r.exit(), r.toString());
        assertEquals("bench-data: Repeats 0 must be at least 1" + System.lineSeparator(), r.err());
    }

    @Test
    void unknownOptionExitsTwoAndPointsToHelp() {
        Run r = run(new BenchDenCommand(), "--size-mb", "3");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().startsWith("bench-den: Unknown options: '--size-mb', '3'"), r.err());
        assertTrue(r.err().contains("Run 'bench-den --help' for usage."), r.err());
    }

    @Test
    void everyBenchmarkTakesTheSharedOptionsOnce() {
        Object[] commands = {new BenchAgentCommand(), new BenchDataCommand(), new BenchDenCommand(),
            new BenchExportCommand(), new BenchHubCommand(), new BenchLmCommand(), new BenchRemoteCommand(),
            new BenchServeCommand()};
        for (Object command : commands) {
            CommandLine cl = new CommandLine(command);
            String name = cl.getCommandName();
            assertTrue(name.startsWith("bench-"), name);
            assertTrue(cl.getCommandSpec().findOption("--fail-on-miss") != null, name);
            Run help = run(command, "--help");
            assertEquals(0, help.exit(), name);
            assertTrue(help.out().contains("Exit codes:"), name + help.out());
            assertTrue(help.out().contains("-V, --version"), name + help.out());
            String usage = name.equals("bench-agent") ? "2   invalid options, or no agent jar" : "2   invalid options"
                    + System.lineSeparator();
            assertTrue(help.out().contains(usage), name + help.out());
        }
        for (Object command : new Object[] {new BenchDataCommand(), new BenchDenCommand(), new BenchHubCommand(),
            new BenchRemoteCommand(), new BenchServeCommand()}) {
            CommandLine cl = new CommandLine(command);
            for (String option : new String[] {"--quick", "--repeats", "--work-dir", "--keep"}) {
                assertTrue(cl.getCommandSpec().findOption(option) != null, cl.getCommandName() + " " + option);
            }
        }
    }
}
