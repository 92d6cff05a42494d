package org.den4j.coder.lm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.den4j.coder.Code;
import org.den4j.coder.CodeDictionary;
import org.den4j.coder.CoderConfig;
import org.den4j.coder.CoderFormat;
import org.den4j.coder.CoderInputException;
import org.den4j.coder.CoderModel;
import org.den4j.coder.Evidence;
import org.den4j.coder.GenerativeCoder;
import org.den4j.coder.IcdCoder;
import org.den4j.coder.IcdVersion;
import org.den4j.coder.PredictOptions;
import org.den4j.coder.PredictedCode;
import org.den4j.coder.Prediction;
import org.den4j.coder.ScoredCode;
import org.den4j.lm.LoraAdapter;

/**
 * An {@code lm-generate} coder loaded for use: the base model with the coder's LoRA adapter, prompted with
 * "Predict the medical codes for the following text: {note}" and decoded under a {@link CodeTrie} of the
 * answer's ICD version, so every code it gives is in its dictionary. A note longer than the context is split
 * into chunks, each prompted on its own, and the answers merged. Scores are sequence probabilities; evidence is
 * where the note names the code's description words, when it does. Calls are serialised. The caller closes it.
 *
 * <p>As a {@link GenerativeCoder} it writes the answer text ("I50.23, E11.9") code by code as the constrained decoder
 * finishes each one, which the coder API streams; decoding is greedy, so temperature, top_p and seed do not change
 * the answer.
 */
public final class GenerateCoder extends BackboneCoder implements GenerativeCoder {
    /** The kind, as in {@code coder.json}. */
    public static final String KIND = "lm-generate";

    private final GenerateConfig config;
    private final Map<IcdVersion, CodeTrie> tries = new EnumMap<>(IcdVersion.class);

    GenerateCoder(CoderModel model, CodeDictionary dictionary, Collection<IcdVersion> versions, Backbone backbone,
            LoraAdapter adapter, GenerateConfig config) {
        super(KIND, model, dictionary, versions, backbone, adapter);
        this.config = config;
        for (IcdVersion v : this.versions) {
            List<Code> codes = dictionary.codes(v);
            if (!codes.isEmpty()) {
                tries.put(v, trie(backbone, codes));
            }
        }
    }

    /** The trie of {@code codes} under the backbone's tokenizer, closed by its end-of-sequence token. */
    static CodeTrie trie(Backbone backbone, List<Code> codes) {
        return CodeTrie.build(codes, s -> backbone.tokenize(s).ids(), backbone.endToken());
    }

    /**
     * Loads a coder folder: the base named in {@code coder.json} and the adapter in {@code adapter/}.
     *
     * @throws CoderInputException when a file is missing or the base cannot be found
     */
    public static GenerateCoder load(Path folder, CoderModel model, CoderFormat.LoadOptions options) {
        CoderConfig coder = CoderConfig.read(folder);
        CodeDictionary dictionary = CodeDictionary.read(folder);
        GenerateConfig config = GenerateConfig.read(folder);
        Path dir = folder.resolve(GenerateConfig.ADAPTER_DIR);
        if (!Files.isDirectory(dir)) {
            throw new CoderInputException("Coder folder " + folder + " has no " + GenerateConfig.ADAPTER_DIR
                    + "/ (its LoRA adapter); train it again with ./jbang train-coder --coder lm-generate");
        }
        Backbone backbone = Backbone.open(coder.base(), null, options.device());
        LoraAdapter adapter = null;
        try {
            adapter = attachAdapter(backbone, dir);
            return new GenerateCoder(model, dictionary, coder.icdVersions(), backbone, adapter, config);
        } catch (RuntimeException e) {
            throw release(e, adapter, backbone);
        }
    }

    @Override
    public Prediction predict(String text, PredictOptions options) {
        long start = System.nanoTime();
        IcdCoder.requireText(text);
        IcdVersion version = checkVersion(options.version());
        double threshold = options.threshold() != null ? options.threshold() : config.threshold();
        List<Map.Entry<Code, Double>> ranked = generate(text, version).entrySet().stream()
                .filter(e -> e.getValue() >= threshold)
                .sorted(Map.Entry.<Code, Double>comparingByValue().reversed()).toList();
        if (options.topK() != null && ranked.size() > options.topK()) {
            ranked = ranked.subList(0, options.topK());
        }
        List<PredictedCode> codes = new ArrayList<>();
        for (Map.Entry<Code, Double> e : ranked) {
            List<Evidence> evidence = options.evidence() ? evidence(text, e.getKey()) : List.of();
            codes.add(PredictedCode.of(e.getKey(), dictionary, Math.max(0, Math.min(1, e.getValue())), evidence));
        }
        return new Prediction(codes, model(), (System.nanoTime() - start) / 1_000_000);
    }

    @Override
    public List<ScoredCode> rank(String text, IcdVersion version, int limit) {
        IcdCoder.requireText(text);
        return generate(text, checkVersion(version)).entrySet().stream()
                .map(e -> new ScoredCode(e.getKey(), e.getValue()))
                .sorted(Comparator.comparingDouble((ScoredCode c) -> -c.score())).limit(limit).toList();
    }

    @Override
    public String prompt(String note) {
        return config.prompt(note);
    }

    /**
     * Generates the answer of the note's default ICD version, chunk by chunk within one budget of
     * {@code maxNewTokens}, passing {@code ", CODE"} pieces to {@code onText} as each code is decoded (a code a later
     * chunk repeats is not written again). A stop text cuts the answer there.
     */
    @Override
    public synchronized Generation generate(String text, Sampling sampling, Consumer<String> onText) {
        IcdCoder.requireText(text);
        CodeTrie trie = tries.get(checkVersion(null));
        StringBuilder answer = new StringBuilder();
        int promptTokens = 0;
        int tokens = 0;
        boolean cut = false;
        if (trie != null) {
            TokenizedNote note = backbone.tokenize(text);
            ConstrainedDecoder decoder = new ConstrainedDecoder(backbone.model().model());
            java.util.Set<Code> written = new java.util.HashSet<>();
            boolean[] stopped = {false};
            for (int[] range : note.chunks(config.chunk())) {
                if (tokens >= sampling.maxNewTokens() || stopped[0]) {
                    break;
                }
                String piece = text.substring(note.starts()[range[0]], note.ends()[range[1] - 1]);
                int[] prompt = backbone.tokenize(config.prompt(piece)).ids();
                promptTokens += prompt.length;
                ConstrainedDecoder.Decoded d = decoder.decode(prompt, trie, sampling.maxNewTokens() - tokens, code -> {
                    if (stopped[0] || !written.add(code)) {
                        return;
                    }
                    String next = (answer.length() == 0 ? "" : CodeTrie.SEPARATOR) + code.code();
                    String joined = answer + next;
                    for (String stop : sampling.stop()) {
                        int at = joined.indexOf(stop);
                        if (at >= 0) {
                            next = joined.substring(answer.length(), Math.max(answer.length(), at));
                            stopped[0] = true;
                        }
                    }
                    answer.append(next);
                    if (!next.isEmpty()) {
                        onText.accept(next);
                    }
                });
                tokens += d.tokens();
                cut |= !d.finished();
            }
            cut &= !stopped[0];
        }
        return new Generation(answer.toString(), promptTokens, tokens, cut ? "length" : "stop");
    }

    /** The generated codes of every chunk, merged, with their sequence probabilities. */
    synchronized Map<Code, Double> generate(String text, IcdVersion version) {
        CodeTrie trie = tries.get(version);
        if (trie == null) {
            return Map.of();
        }
        TokenizedNote note = backbone.tokenize(text);
        ConstrainedDecoder decoder = new ConstrainedDecoder(backbone.model().model());
        List<Map<Code, Double>> answers = new ArrayList<>();
        for (int[] range : note.chunks(config.chunk())) {
            String piece = text.substring(note.starts()[range[0]], note.ends()[range[1] - 1]);
            int[] prompt = backbone.tokenize(config.prompt(piece)).ids();
            answers.add(decoder.decode(prompt, trie, config.maxNewTokens()));
        }
        return ConstrainedDecoder.merge(answers);
    }

    /** Where the note says the code's description, word for word, if it does (generation has no attention map). */
    private List<Evidence> evidence(String text, Code code) {
        String description = dictionary.describe(code).orElse("");
        if (description.isBlank()) {
            return List.of();
        }
        int at = text.toLowerCase(java.util.Locale.ROOT).indexOf(description.toLowerCase(java.util.Locale.ROOT));
        return at < 0 ? List.of() : List.of(new Evidence(at, at + description.length(),
                text.substring(at, at + description.length())));
    }

}
