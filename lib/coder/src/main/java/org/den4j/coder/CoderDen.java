package org.den4j.coder;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.den4j.den.DataType;
import org.den4j.den.Den;
import org.den4j.den.FileEntry;
import org.den4j.den.IoSpec;
import org.den4j.den.ModelInfo;
import org.den4j.den.ModelMetadata;
import org.den4j.den.PushRequest;
import org.den4j.den.PushResult;

/**
 * Coders as den models: a coder folder pushed with registry metadata and lineage, and loaded back by reference.
 *
 * <pre>{@code
 * String ref = CoderDen.push(den, Path.of("output/coders/linear"), "den4j/icd-coder", null); // "den4j/icd-coder@3"
 * try (IcdCoder coder = CoderDen.load(den, CoderDen.DEFAULT_REF, CoderFormat.LoadOptions.DEFAULTS)) {
 *     System.out.println(coder.predict(note, PredictOptions.DEFAULTS).model()); // name, version, digest, kind
 * }
 * }</pre>
 *
 * <p>The metadata a push writes: model type {@value #MODEL_TYPE}; input {@code note} (text), output
 * {@code icd_codes} (text); the metrics of {@code coder.json}; in {@code extra} the kind ({@value #KIND}), the
 * ICD versions, the number of codes, the base model and the data it was trained on ({@code trained_on.*}). A
 * language-model coder's parent is its base model.
 */
public final class CoderDen {
    /** The coder users get by default. */
    public static final String DEFAULT_REF = "den4j/icd-coder@champion";
    /** The registry model type of every coder. */
    public static final String MODEL_TYPE = "icd-coder";
    /** The metadata {@code extra} key holding the coder kind. */
    public static final String KIND = "coder_kind";

    private CoderDen() {
    }

    /**
     * Pushes a coder folder as a new version of {@code name}.
     *
     * @param parentRef the model it derives from; null takes {@code coder.json}'s base when the den has it
     * @return the pushed reference, {@code name@version}
     * @throws CoderInputException when the folder is not a complete coder (no {@code coder.json} or no
     *     {@value CodeDictionary#FILE_NAME})
     */
    public static String push(Den den, Path coderFolder, String name, String parentRef) {
        CoderConfig config = CoderConfig.read(coderFolder);
        CodeDictionary dictionary = CodeDictionary.read(coderFolder);
        String parent = parentRef;
        if (parent == null && config.base() != null && den.has(config.base())) {
            parent = den.show(config.base()).ref();
        }
        PushResult result = den.push(PushRequest.builder(coderFolder, name)
                .description(description(config, dictionary))
                .tags(tags(config))
                .parent(parent)
                .metadata(metadata(config, dictionary))
                .build());
        return result.model().ref();
    }

    /**
     * The registry metadata of a coder folder's config and dictionary.
     */
    public static ModelMetadata metadata(CoderConfig config, CodeDictionary dictionary) {
        ModelMetadata.Builder b = ModelMetadata.builder()
                .modelType(MODEL_TYPE)
                .inputs(List.of(new IoSpec("note", DataType.TEXT, List.of(), "utf-8",
                        "a clinical note (discharge summary)", false)))
                .outputs(List.of(new IoSpec("icd_codes", DataType.TEXT, List.of(), "json",
                        "ICD codes with descriptions, scores and evidence spans (den4j prediction JSON)", false)))
                .metrics(config.metrics())
                .inferenceCode(CoderDen.class.getName() + "#load")
                .supportedBackends(List.of(config.base() == null ? "java" : "pytorch"))
                .extra(KIND, config.kind())
                .extra("coder_format", config.format() + "/" + config.formatVersion())
                .extra("icd_versions", String.join(",", config.versions()))
                .extra("code_systems", String.join(",", systems(dictionary)))
                .extra("codes", String.valueOf(dictionary.size()));
        if (config.base() != null) {
            b.extra("base", config.base());
        }
        if (config.createdAt() != null) {
            b.extra("created_at", config.createdAt());
        }
        for (Map.Entry<String, Object> e : new java.util.TreeMap<>(config.trainedOn()).entrySet()) {
            b.extra("trained_on." + e.getKey(), String.valueOf(e.getValue()));
        }
        return b.build();
    }

    /**
     * Loads the coder {@code ref} names; its predictions report the den name, version and digest.
     *
     * @throws CoderInputException when the model is not an ICD coder (the message says what it is) or its folder
     *     is incomplete
     * @throws org.den4j.den.ModelNotFoundException when {@code ref} names no model
     */
    public static IcdCoder load(Den den, String ref, CoderFormat.LoadOptions options) {
        ModelInfo info = checkCoder(den, ref);
        Path folder = den.fetch(info.ref());
        CoderConfig config = CoderConfig.read(folder);
        CoderModel model = new CoderModel(info.name(), String.valueOf(info.version()), "sha256:" + info.digest(),
                config.kind(), null);
        return Coders.load(folder, model, options);
    }

    /**
     * The local, read-only folder of the coder {@code ref} names (fetched if needed), for reading its files such as
     * {@value CodeDictionary#FILE_NAME} without loading it.
     *
     * @throws CoderInputException when the model is not an ICD coder
     */
    public static Path fetch(Den den, String ref) {
        return den.fetch(checkCoder(den, ref).ref());
    }

    /**
     * Whether a {@code --model} value names a coder folder rather than a den reference: an existing directory, or
     * text that starts as a path does ({@code /}, {@code ./}, {@code ../}, {@code ~/}); den names never do.
     */
    public static boolean isFolderRef(String ref) {
        if (ref.startsWith("/") || ref.startsWith("./") || ref.startsWith("../") || ref.startsWith("~/")
                || ref.equals(".") || ref.equals("..")) {
            return true;
        }
        try {
            return java.nio.file.Files.isDirectory(Path.of(ref));
        } catch (java.nio.file.InvalidPathException e) {
            return false;
        }
    }

    private static ModelInfo checkCoder(Den den, String ref) {
        ModelInfo info = den.show(ref);
        if (!info.metadata().extra().containsKey(KIND) && !hasCoderConfig(den, info)) {
            throw new CoderInputException(describeNonCoder(ref, info));
        }
        return info;
    }

    /** Whether the den model {@code ref} names is an ICD coder (by its metadata, else by its files). */
    public static boolean isCoder(Den den, String ref) {
        ModelInfo info = den.show(ref);
        return info.metadata().extra().containsKey(KIND) || hasCoderConfig(den, info);
    }

    private static boolean hasCoderConfig(Den den, ModelInfo info) {
        for (FileEntry f : den.manifest(info.ref()).files()) {
            if (f.path().equals(CoderConfig.FILE_NAME)) {
                return true;
            }
        }
        return false;
    }

    /** "den4j/tiny-qwen2@1 is a language model (qwen2), not an ICD coder; ...". */
    static String describeNonCoder(String ref, ModelInfo info) {
        String who = ref.equals(info.ref()) ? ref : ref + " (" + info.ref() + ")";
        ModelMetadata m = info.metadata();
        String what;
        String adapter = m.extra().get("adapter");
        if (adapter != null) {
            what = "a " + adapter + " adapter" + (m.architecture() != null ? " for " + m.architecture() : "")
                    + (info.parentRef() != null ? " on " + info.parentRef() : "");
        } else if (m.modelType() != null) {
            String type = m.modelType().toLowerCase(Locale.ROOT);
            what = article(type) + " " + type + " model" + (m.architecture() != null ? " (" + m.architecture() + ")"
                    : "");
        } else if (m.architecture() != null) {
            what = article(m.architecture()) + " " + m.architecture() + " model";
        } else {
            what = "a model without " + CoderConfig.FILE_NAME;
        }
        return who + " is " + what + ", not an ICD coder; name a coder (such as " + DEFAULT_REF
                + ") or a coder folder, made by ./jbang train-coder";
    }

    private static String article(String word) {
        return "aeiou".indexOf(Character.toLowerCase(word.charAt(0))) >= 0 ? "an" : "a";
    }

    private static String description(CoderConfig config, CodeDictionary dictionary) {
        StringBuilder s = new StringBuilder("ICD coder (" + config.kind() + ") over " + dictionary.size() + " codes");
        Set<String> systems = systems(dictionary);
        if (!systems.isEmpty()) {
            s.append(" of ").append(String.join(", ", systems));
        }
        Object db = config.trainedOn().get("database");
        if (db != null) {
            s.append(", trained on ").append(db);
        }
        return s.toString();
    }

    private static List<String> tags(CoderConfig config) {
        Set<String> tags = new LinkedHashSet<>();
        tags.add("icd-coding");
        tags.add(config.kind());
        tags.addAll(config.versions());
        return new ArrayList<>(tags);
    }

    private static Set<String> systems(CodeDictionary dictionary) {
        Set<String> out = new TreeSet<>();
        for (Code c : dictionary.codes()) {
            out.add(c.system().label());
        }
        return out;
    }
}
