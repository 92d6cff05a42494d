package org.den4j.coder.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.den4j.coder.CodeDictionary;
import org.den4j.coder.CoderDen;
import org.den4j.coder.CoderFormat;
import org.den4j.coder.CoderInputException;
import org.den4j.coder.CoderModel;
import org.den4j.coder.Coders;
import org.den4j.coder.Evidence;
import org.den4j.coder.IcdCoder;
import org.den4j.coder.IcdVersion;
import org.den4j.coder.PdfText;
import org.den4j.coder.PredictOptions;
import org.den4j.coder.PredictedCode;
import org.den4j.coder.Prediction;
import org.den4j.coder.remote.OpenAiClient;
import org.den4j.coder.remote.RemoteCallException;
import org.den4j.coder.remote.RemoteCoder;
import org.den4j.command.Commands;
import org.den4j.command.DenOption;
import org.den4j.command.DeviceOption;
import org.den4j.command.VerboseOption;
import org.den4j.den.Den;
import org.den4j.den.DenConfig;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./jbang predict}: ICD codes for a note given as text, a PDF or a JSONL file, from a coder in the den, a
 * coder folder, or a model served over the OpenAI-compatible API.
 */
@Command(name = "predict", mixinStandardHelpOptions = true, version = "predict 0.1.0", sortOptions = false,
        description = {"Codes a clinical note with an ICD coder: from --text (- reads stdin), the text layer of a "
                + "--pdf, or an --input JSONL file (one {\"text\": ...} object a line, one result a line, always "
                + "JSON). Prints a table, or with --json the prediction JSON: {\"codes\":[{\"code\",\"system\","
                + "\"description\",\"score\",\"evidence\":[{\"start\",\"end\",\"text\"}]}],\"model\":{\"name\","
                + "\"version\",\"digest\",\"kind\"},\"processing_time_ms\"}.",
                "With --remote, the note goes to an OpenAI-compatible server (LM Studio, llama.cpp's server, vLLM, "
                        + "den4j's serve-api) with the LM coders' prompt; its answer is checked against the code "
                        + "dictionary of --model or --database, and codes not in it are dropped and counted."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:failure (a damaged model, an unreachable server)",
                "2:bad input (empty or non-UTF-8 text, a PDF without text layer, a model that is not a coder, an "
                        + "unknown code system, a refused remote request)"})
public final class PredictCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Mixin
    VerboseOption verbose;

    @Mixin
    DenOption den;

    @Mixin
    DeviceOption device;

    @Option(names = "--model", paramLabel = "REF", description = "The coder: a den reference (name, name@VERSION, "
            + "name@ALIAS) or a coder folder (default: " + CoderDen.DEFAULT_REF + "; with --remote, the coder "
            + "whose dictionary checks the answer).")
    String model;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    /** Exactly one source of notes. */
    static final class Input {
        @Option(names = "--text", paramLabel = "TEXT", required = true,
                description = "The note's text; - reads it from stdin (UTF-8).")
        String text;

        @Option(names = "--pdf", paramLabel = "FILE", required = true,
                description = "A PDF with a text layer (no OCR).")
        Path pdf;

        @Option(names = "--input", paramLabel = "FILE.jsonl", required = true,
                description = "One JSON object with a \"text\" field a line; writes one result a line.")
        Path jsonl;
    }

    @Option(names = "--code-system", paramLabel = "icd10|icd9", description = "The ICD version of the answer "
            + "(default: the coder's, ICD-10 when it knows both).")
    String codeSystem;

    @Option(names = "--top-k", paramLabel = "N", description = "At most N codes.")
    Integer topK;

    @Option(names = "--output", paramLabel = "FILE", description = "Write the output to FILE (whole or not at all) "
            + "instead of stdout.")
    Path output;

    @Option(names = "--json", description = "Print the prediction JSON instead of a table.")
    boolean json;

    @Option(names = "--remote", paramLabel = "URL", description = "An OpenAI-compatible base URL, such as "
            + "http://localhost:1234/v1.")
    String remote;

    @Option(names = "--remote-model", paramLabel = "NAME", description = "The model name the remote server serves.")
    String remoteModel;

    @Option(names = "--api-key-env", paramLabel = "VAR", description = "The environment variable holding the remote "
            + "server's API key (default: send none).")
    String apiKeyEnv;

    @Option(names = "--database", paramLabel = "DB", description = "With --remote: the MIMIC database (from "
            + "prepare-mimic) whose code dictionary checks the answer.")
    Path database;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "120", description = "With --remote: how "
            + "long one request may take (default: ${DEFAULT-VALUE}); failures are retried 3 times.")
    int timeoutSeconds;

    private final Map<String, String> env;
    private final InputStream stdin;

    /** The command as a script runs it: the process environment and stdin. */
    public PredictCommand() {
        this(System.getenv(), System.in);
    }

    /** The command with another environment ({@code DEN4J_*}, the API key variable) and stdin, for tests. */
    public PredictCommand(Map<String, String> env, InputStream stdin) {
        this.env = Map.copyOf(env);
        this.stdin = stdin;
    }

    /** The command line of a script: the den4j error policy, remote refusals as bad input, no @-files. */
    public static CommandLine commandLine() {
        return commandLine(new PredictCommand());
    }

    /** The command line of {@code command}. */
    public static CommandLine commandLine(PredictCommand command) {
        CommandLine cl = Commands.line(command,
                e -> e instanceof RemoteCallException r && r.isClientError() ? Commands.BAD_INPUT
                        : Commands.exitCode(e));
        // A note may start with '@'; picocli would read it as an argument file.
        cl.setExpandAtFiles(false);
        return cl;
    }

    @Override
    public Integer call() throws IOException {
        checkOptions();
        PredictOptions options = PredictOptions.DEFAULTS.withTopK(topK)
                .withVersion(codeSystem == null ? null : IcdVersion.parse(codeSystem));
        String text = null;
        if (input.text != null) {
            text = input.text.equals("-") ? decode(stdin.readAllBytes(), "stdin") : checkArgument(input.text);
            requireNote(text, input.text.equals("-") ? "stdin" : "--text");
        } else if (input.pdf != null) {
            PdfText pdf = PdfText.read(input.pdf);
            text = pdf.text();
        } else if (!Files.isRegularFile(input.jsonl)) {
            throw new CoderInputException("Input file " + input.jsonl + " does not exist");
        }
        try (IcdCoder coder = open(() -> den.config(env))) {
            if (text != null) {
                Prediction p = coder.predict(text, options);
                write(out -> out.write(json ? p.toJson() + "\n" : table(p)));
            } else {
                write(out -> predictLines(coder, options, out));
            }
        }
        return Commands.OK;
    }

    private void checkOptions() {
        CommandLine cl = spec.commandLine();
        if (remote == null) {
            for (Object[] o : new Object[][] {{"--remote-model", remoteModel}, {"--api-key-env", apiKeyEnv},
                    {"--database", database}}) {
                if (o[1] != null) {
                    throw new CommandLine.ParameterException(cl, o[0] + " goes with --remote URL");
                }
            }
        } else {
            if (remoteModel == null) {
                throw new CommandLine.ParameterException(cl, "--remote needs --remote-model NAME, the name the "
                        + "server serves the model under");
            }
            if (model == null && database == null) {
                throw new CommandLine.ParameterException(cl, "--remote needs a code dictionary to check the answer: "
                        + "give --model REF (a coder) or --database DB (a MIMIC database from prepare-mimic)");
            }
            if (model != null && database != null) {
                throw new CommandLine.ParameterException(cl, "give one code dictionary: --model or --database, not "
                        + "both");
            }
        }
        if (timeoutSeconds < 1) {
            throw new CommandLine.ParameterException(cl, "--timeout must be at least 1 second, was "
                    + timeoutSeconds);
        }
    }

    /** Opens the coder; the den, when one is needed, is open only while loading. */
    private IcdCoder open(Supplier<DenConfig> denConfig) {
        CoderFormat.LoadOptions load = new CoderFormat.LoadOptions(device.device());
        if (remote != null) {
            CodeDictionary dictionary;
            if (database != null) {
                dictionary = CodeDictionary.fromDatabase(database);
            } else if (CoderDen.isFolderRef(model)) {
                dictionary = CodeDictionary.read(checkFolder(model));
            } else {
                try (Den d = Den.open(denConfig.get())) {
                    dictionary = CodeDictionary.read(CoderDen.fetch(d, model));
                }
            }
            OpenAiClient client = OpenAiClient.builder(remote).apiKey(apiKey())
                    .requestTimeout(Duration.ofSeconds(timeoutSeconds)).build();
            return new RemoteCoder(client, remoteModel, dictionary);
        }
        String ref = model == null ? CoderDen.DEFAULT_REF : model;
        if (CoderDen.isFolderRef(ref)) {
            return Coders.load(checkFolder(ref), null, load);
        }
        try (Den d = Den.open(denConfig.get())) {
            return CoderDen.load(d, ref, load);
        }
    }

    private static Path checkFolder(String ref) {
        Path folder = Path.of(ref);
        if (!Files.isDirectory(folder)) {
            throw new CoderInputException("Coder folder " + folder + " does not exist");
        }
        return folder;
    }

    private String apiKey() {
        if (apiKeyEnv == null) {
            return null;
        }
        String key = env.get(apiKeyEnv);
        if (key == null || key.isBlank()) {
            throw new CoderInputException("--api-key-env " + apiKeyEnv + ": the variable " + apiKeyEnv + " is not set; "
                    + "export it with the server's API key, or leave --api-key-env out for a server without keys");
        }
        return key;
    }

    /** Notes coded per {@link IcdCoder#predictBatch} call, so that coders that batch can. */
    static final int BATCH = 16;

    private void predictLines(IcdCoder coder, PredictOptions options, Writer out) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(input.jsonl))) {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            List<String> texts = new ArrayList<>(BATCH);
            int number = 0;
            int firstOfBatch = 0;
            boolean more = true;
            while (more) {
                int b = in.read();
                if (b != -1 && b != '\n') {
                    line.write(b);
                    continue;
                }
                more = b != -1;
                number++;
                String where = input.jsonl + " line " + number;
                String raw = decode(line.toByteArray(), where);
                line.reset();
                if (!raw.isBlank()) {
                    if (texts.isEmpty()) {
                        firstOfBatch = number;
                    }
                    texts.add(noteOf(raw, where));
                }
                if (texts.size() == BATCH || (!more && !texts.isEmpty())) {
                    List<Prediction> predictions;
                    try {
                        predictions = coder.predictBatch(texts, options);
                    } catch (CoderInputException e) {
                        throw new CoderInputException(input.jsonl + " lines " + firstOfBatch + "-" + number + ": "
                                + e.getMessage(), e);
                    }
                    for (Prediction p : predictions) {
                        out.write(p.toJson());
                        out.write('\n');
                    }
                    texts.clear();
                }
            }
        }
    }

    private static String noteOf(String line, String where) {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new CoderInputException(where + " is not JSON (" + e.getOriginalMessage() + "); write one "
                    + "{\"text\": \"...\"} object a line", e);
        }
        if (node == null || !node.isObject() || !node.path("text").isTextual()) {
            throw new CoderInputException(where + " has no \"text\" string; write one {\"text\": \"...\"} object a "
                    + "line");
        }
        String text = node.get("text").asText();
        requireNote(text, where);
        return text;
    }

    private static void requireNote(String text, String where) {
        if (text.isBlank()) {
            throw new CoderInputException(where + ": the note is empty; give the text of a clinical note");
        }
    }

    /** Decodes bytes as UTF-8, refusing malformed input instead of replacing it. */
    static String decode(byte[] bytes, String where) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new CoderInputException(where + " is not UTF-8 text; convert it (for example iconv -f latin1 -t "
                    + "utf-8) and run again", e);
        }
    }

    /**
     * The JVM decodes arguments itself and marks bytes that are not UTF-8 with U+FFFD: such a note was not UTF-8.
     */
    private static String checkArgument(String text) {
        if (text.indexOf('\uFFFD') >= 0) {
            throw new CoderInputException("--text is not UTF-8 text (it holds U+FFFD where bytes could not be "
                    + "decoded); convert it to UTF-8, or pass it on stdin with --text -");
        }
        return text;
    }

    /** Writes to stdout, or to --output through a temporary file moved into place. */
    private void write(Output body) throws IOException {
        if (output == null) {
            PrintWriter out = spec.commandLine().getOut();
            body.writeTo(out);
            out.flush();
            return;
        }
        Path target = output.toAbsolutePath();
        Path dir = target.getParent();
        if (!Files.isDirectory(dir)) {
            throw new CoderInputException("--output " + output + ": folder " + dir + " does not exist");
        }
        Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
        try {
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                body.writeTo(w);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (NoSuchFileException e) {
                // moved
            }
        }
        spec.commandLine().getOut().println("wrote " + output);
        spec.commandLine().getOut().flush();
    }

    private interface Output {
        void writeTo(Writer out) throws IOException;
    }

    /** A readable table of one prediction. */
    static String table(Prediction p) {
        StringBuilder s = new StringBuilder();
        CoderModel m = p.model();
        s.append("model ").append(m.name());
        if (m.version() != null) {
            s.append('@').append(m.version());
        }
        if (m.kind() != null) {
            s.append(" (").append(m.kind()).append(')');
        }
        if (m.remote() != null) {
            s.append(" at ").append(m.remote());
        }
        if (m.digest() != null) {
            s.append(' ').append(m.digest(), 0, Math.min(m.digest().length(), 19));
        }
        s.append(", ").append(p.codes().size()).append(p.codes().size() == 1 ? " code" : " codes").append(" in ")
                .append(p.processingTimeMs()).append(" ms");
        if (p.dropped() != null) {
            s.append(", ").append(p.dropped()).append(" dropped (not in the code dictionary)");
        }
        s.append('\n');
        if (p.codes().isEmpty()) {
            return s.append("no codes\n").toString();
        }
        int codeWidth = "code".length();
        for (PredictedCode c : p.codes()) {
            codeWidth = Math.max(codeWidth, c.code().length());
        }
        String row = "%-" + codeWidth + "s  %-10s  %5s  %-50s  %s%n";
        s.append(String.format(row, "code", "system", "score", "description", "evidence"));
        for (PredictedCode c : p.codes()) {
            s.append(String.format(row, c.code(), c.system(), String.format("%.3f", c.score()),
                    cut(c.description(), 50), evidence(c.evidence())));
        }
        return s.toString();
    }

    private static String evidence(List<Evidence> spans) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < spans.size() && i < 3; i++) {
            s.append(i == 0 ? "" : ", ").append('"').append(cut(spans.get(i).text().replaceAll("\\s+", " "), 30))
                    .append('"');
        }
        if (spans.size() > 3) {
            s.append(", +").append(spans.size() - 3);
        }
        return s.toString();
    }

    private static String cut(String s, int width) {
        return s.length() <= width ? s : s.substring(0, width - 3) + "...";
    }
}
