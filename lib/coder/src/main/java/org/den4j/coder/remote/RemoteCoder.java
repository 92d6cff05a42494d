package org.den4j.coder.remote;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.den4j.coder.Code;
import org.den4j.coder.CodeDictionary;
import org.den4j.coder.CoderInputException;
import org.den4j.coder.CoderModel;
import org.den4j.coder.IcdCoder;
import org.den4j.coder.IcdVersion;
import org.den4j.coder.PredictOptions;
import org.den4j.coder.PredictedCode;
import org.den4j.coder.Prediction;
import org.den4j.coder.ScoredCode;

/**
 * A coder that asks a model served over the OpenAI-compatible API for codes, with the prompt of den4j's LM coders
 * ({@value #PROMPT}), and keeps the answer's codes that a {@link CodeDictionary} has.
 *
 * <pre>{@code
 * OpenAiClient client = OpenAiClient.builder("http://localhost:8080/v1").build();
 * IcdCoder coder = new RemoteCoder(client, "icd-coder", CodeDictionary.read(coderFolder));
 * Prediction p = coder.predict(note, PredictOptions.DEFAULTS); // p.dropped(): codes not in the dictionary
 * }</pre>
 *
 * <p>A remote model gives no scores and no evidence: every kept code scores 1 and has no spans; codes of the other
 * ICD version, invented and malformed codes are dropped and counted in {@link Prediction#dropped()}. The note is
 * sent whole; a server whose context is shorter than the note truncates or refuses it by its own rules. Safe for
 * concurrent use.
 */
public final class RemoteCoder implements IcdCoder {
    /** The prompt den4j's LM coders are trained on; {@code {note}} is replaced by the note. */
    public static final String PROMPT = "Predict the medical codes for the following text: {note}";
    /** The kind this coder reports. */
    public static final String KIND = "remote";

    private final OpenAiClient client;
    private final String model;
    private final CodeDictionary dictionary;
    private final String promptTemplate;
    private final int maxTokens;
    private final Set<IcdVersion> versions;

    /** A remote coder with {@link #PROMPT} and at most 256 generated tokens. */
    public RemoteCoder(OpenAiClient client, String model, CodeDictionary dictionary) {
        this(client, model, dictionary, PROMPT, 256);
    }

    /**
     * A remote coder.
     *
     * @param model the served model's name ({@code --remote-model})
     * @param promptTemplate the prompt, with {@code {note}} where the note goes
     * @param maxTokens at most this many generated tokens
     */
    public RemoteCoder(OpenAiClient client, String model, CodeDictionary dictionary, String promptTemplate,
            int maxTokens) {
        this.client = Objects.requireNonNull(client, "client");
        if (model == null || model.isBlank()) {
            throw new CoderInputException("The remote model name is empty; give the name the server serves the "
                    + "model under (GET /v1/models lists them)");
        }
        this.model = model;
        this.dictionary = Objects.requireNonNull(dictionary, "dictionary");
        if (dictionary.size() == 0) {
            throw new CoderInputException("The code dictionary for remote answers is empty; give a coder or a MIMIC "
                    + "database with codes");
        }
        if (!promptTemplate.contains("{note}")) {
            throw new CoderInputException("Prompt template '" + promptTemplate + "' has no {note}");
        }
        this.promptTemplate = promptTemplate;
        if (maxTokens < 1) {
            throw new CoderInputException("max tokens must be at least 1, was " + maxTokens);
        }
        this.maxTokens = maxTokens;
        Set<IcdVersion> v = EnumSet.noneOf(IcdVersion.class);
        for (Code c : dictionary.codes()) {
            v.add(c.system().version());
        }
        this.versions = Set.copyOf(v);
    }

    @Override
    public String kind() {
        return KIND;
    }

    /** The served model's name and the base URL; no version, digest or kind. */
    @Override
    public CoderModel model() {
        return new CoderModel(model, null, null, null, client.baseUrl().toString());
    }

    @Override
    public CodeDictionary dictionary() {
        return dictionary;
    }

    @Override
    public Set<IcdVersion> versions() {
        return versions;
    }

    @Override
    public Prediction predict(String text, PredictOptions options) {
        long started = System.nanoTime();
        IcdVersion version = versionOf(options);
        AnswerCodes answer = ask(text, version);
        List<PredictedCode> out = new ArrayList<>();
        for (Code c : answer.codes()) {
            if (options.topK() != null && out.size() >= options.topK()) {
                break;
            }
            out.add(PredictedCode.of(c, dictionary, 1.0, List.of()));
        }
        return new Prediction(out, model(), (System.nanoTime() - started) / 1_000_000, answer.dropped().size());
    }

    @Override
    public List<ScoredCode> rank(String text, IcdVersion version, int limit) {
        List<ScoredCode> out = new ArrayList<>();
        for (Code c : ask(text, version).codes()) {
            if (out.size() >= limit) {
                break;
            }
            out.add(new ScoredCode(c, 1.0));
        }
        return out;
    }

    /** Sends the note and parses the answer of the codes of {@code version}. */
    public AnswerCodes ask(String text, IcdVersion version) {
        IcdCoder.requireText(text);
        ChatCompletion c = client.chat(ChatRequest.of(model, promptTemplate.replace("{note}", text), maxTokens));
        return AnswerCodes.parse(c.content(), dictionary, version);
    }

    private IcdVersion versionOf(PredictOptions options) {
        IcdVersion v = options.version() != null ? options.version() : defaultVersion();
        if (!versions.contains(v)) {
            throw new CoderInputException("The code dictionary has no " + v.id() + " codes; use --code-system "
                    + versions.iterator().next().id() + " or a dictionary with " + v.id() + " codes");
        }
        return v;
    }
}
