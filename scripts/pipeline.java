///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DEPS org.den4j:den4j-cli:0.1.0
//DESCRIPTION The main job, end to end. For now: a den demo (push, derive, list, search, fetch, lineage).

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.den4j.cli.DenDemo;
import org.den4j.cli.ExitCodes;
import org.den4j.den.Den;
import org.den4j.den.DenConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "pipeline", mixinStandardHelpOptions = true, version = "pipeline 0.1.0",
        description = {"The main job, end to end. For now a tour of the den: pushes a small base model and a "
                + "fine-tune that names it as parent, then lists, searches, fetches and prints the lineage.",
                "The demo models are named demo/qwen2-tiny and demo/icd-coder-lora; running again reuses them."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:success", "1:failure", "2:bad input (option, DEN4J_* value, den path)"})
class pipeline implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--den", paramLabel = "PATH", description = "The den directory (default: DEN4J_PATH, else the "
            + "user den).")
    Path denPath;

    @Option(names = {"-v", "--verbose"}, description = "Print stack traces of errors.")
    boolean verbose;

    @Override
    public Integer call() {
        DenConfig config = DenConfig.fromEnvironment();
        if (denPath != null) {
            config = config.withPath(denPath);
        }
        try (Den den = Den.open(config)) {
            new DenDemo(spec.commandLine().getOut()).run(den);
        }
        return ExitCodes.OK;
    }

    public static void main(String... args) {
        System.exit(ExitCodes.install(new CommandLine(new pipeline())).execute(args));
    }
}
