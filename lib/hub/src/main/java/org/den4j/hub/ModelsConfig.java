package org.den4j.hub;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The models a project needs from the Hub, as {@code config/models.yaml} lists them.
 *
 * <pre>{@code
 * cache_dir: ~/.cache/huggingface/hub   # optional; default HF_HUB_CACHE
 * verify: sha256                        # none | size | sha256; default sha256
 * models:
 *   - id: base
 *     repo_id: deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B
 *     revision: main                    # optional; default main
 *     local_dir: models/base            # optional: also a plain folder of copies
 *     files: [config.json, "tokenizer*.json", "*.safetensors"]   # optional; default every file
 * }</pre>
 *
 * <p>Relative {@code cache_dir} and {@code local_dir} paths are resolved against the folder of the file;
 * a leading {@code ~} is the user's home. Unknown fields are errors, so a typo does not silently download
 * a whole repository.
 *
 * @param file the file this was read from, or null when built in code
 * @param cacheDir the Hub cache to use, or null for {@code HF_HUB_CACHE}
 * @param verify how downloads and {@code --verify-only} check files
 * @param models the models, in the file's order, with distinct ids
 */
public record ModelsConfig(Path file, Path cacheDir, Verification verify, List<ModelSpec> models) {
    /** The configuration read when none is named. */
    public static final Path DEFAULT_FILE = Path.of("config", "models.yaml");
    /** The configuration read when none is named and {@code CI_MINIMAL_MODELS} is true. */
    public static final Path MINIMAL_FILE = Path.of("config", "models.minimal.yaml");

    private static final Set<String> TOP_FIELDS = Set.of("cache_dir", "verify", "models");
    private static final Set<String> MODEL_FIELDS = Set.of("id", "repo_id", "revision", "local_dir", "files");
    private static final Set<String> TRUE_VALUES = Set.of("1", "true", "yes");
    private static final Set<String> FALSE_VALUES = Set.of("", "0", "false", "no");

    public ModelsConfig {
        verify = verify == null ? Verification.SHA256 : verify;
        models = List.copyOf(models);
        Set<String> ids = new HashSet<>();
        for (ModelSpec m : models) {
            if (!ids.add(m.id())) {
                throw new HubConfigException(file, "models[].id", m.id(), "Model id '" + m.id() + "' appears twice"
                        + (file == null ? "" : " in " + file) + "; give each entry of models: its own id");
            }
        }
    }

    /** The model with that id. @throws ModelNotInConfigException when there is none */
    public ModelSpec model(String id) {
        return models.stream().filter(m -> m.id().equals(id)).findFirst()
                .orElseThrow(() -> new ModelNotInConfigException(id, ids(), file));
    }

    /** The ids, in the file's order. */
    public List<String> ids() {
        return models.stream().map(ModelSpec::id).toList();
    }

    /**
     * The configuration file to read when none is named: {@link #MINIMAL_FILE} when {@code CI_MINIMAL_MODELS}
     * is {@code true}, {@code 1} or {@code yes} (any case), else {@link #DEFAULT_FILE}; relative to the
     * working folder.
     *
     * @param env the environment, such as {@code System.getenv()}
     * @throws HubConfigException when {@code CI_MINIMAL_MODELS} is neither true nor false
     */
    public static Path defaultFile(Map<String, String> env) {
        String raw = env.get("CI_MINIMAL_MODELS");
        String v = raw == null ? "" : raw.strip().toLowerCase(Locale.ROOT);
        if (TRUE_VALUES.contains(v)) {
            return MINIMAL_FILE;
        }
        if (FALSE_VALUES.contains(v)) {
            return DEFAULT_FILE;
        }
        throw new HubConfigException("CI_MINIMAL_MODELS", raw, "CI_MINIMAL_MODELS=" + raw
                + " is not a boolean; use true, 1 or yes for " + MINIMAL_FILE + ", or false, 0, no for " + DEFAULT_FILE);
    }

    /**
     * Reads a models configuration from a YAML file.
     *
     * @throws HubConfigException naming the file, the field and the fix when the file is missing, is not
     *     YAML, or has a missing, unknown or bad field
     */
    public static ModelsConfig read(Path file) {
        Objects.requireNonNull(file, "file");
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new HubConfigException(file, "file", null, "Models configuration " + file + " does not exist; "
                    + "pass --config FILE, or create it (see config/models.yaml in den4j)");
        } catch (IOException e) {
            throw new HubConfigException(file, "file", null, "Cannot read models configuration " + file + " (" + e
                    + "); check its permissions");
        }
        return parse(text, file);
    }

    /**
     * Reads a models configuration from YAML text; {@code file} (may be null) is named in messages and
     * anchors relative paths (without it they are relative to the working folder).
     *
     * @throws HubConfigException as {@link #read(Path)}
     */
    public static ModelsConfig parse(String yaml, Path file) {
        String where = file == null ? "the models configuration" : file.toString();
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(yaml);
        } catch (JacksonException e) {
            String line = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
            throw new HubConfigException(file, "file", null, where + " is not valid YAML" + line + ": "
                    + e.getOriginalMessage() + "; fix the syntax (indent list entries under models: with '- ')");
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw new HubConfigException(file, "models", null, where + " is empty; add a models: list with "
                    + "entries of id and repo_id");
        }
        if (!root.isObject()) {
            throw new HubConfigException(file, "file", null, where + " is not a mapping; write cache_dir:, verify: "
                    + "and models: at the top level");
        }
        unknownFields(root, TOP_FIELDS, "", file, where);
        Path base = file == null ? null : file.toAbsolutePath().getParent();
        Path cacheDir = optionalText(root, "cache_dir", file, where).map(p -> path(p, base, "cache_dir", file, where))
                .orElse(null);
        Verification verify;
        String verifyText = optionalText(root, "verify", file, where).orElse("sha256");
        try {
            verify = Verification.parse(verifyText);
        } catch (HubConfigException e) {
            throw new HubConfigException(file, "verify", verifyText, "verify: " + verifyText + " in " + where
                    + " is not a verification level; use one of none, size, sha256");
        }
        JsonNode list = root.get("models");
        if (list == null || list.isNull()) {
            throw new HubConfigException(file, "models", null, where + " has no models: list; add one with "
                    + "entries of id and repo_id");
        }
        if (!list.isArray()) {
            throw new HubConfigException(file, "models", list.toString(), "models: in " + where + " is not a list; "
                    + "start each entry with '- id: NAME'");
        }
        List<ModelSpec> models = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode m = list.get(i);
            String field = "models[" + i + "]";
            if (!m.isObject()) {
                throw new HubConfigException(file, field, m.toString(), field + " in " + where + " is not a mapping; "
                        + "write it as '- id: NAME' with repo_id: on the next line");
            }
            unknownFields(m, MODEL_FIELDS, field + ".", file, where);
            String id = requiredText(m, "id", field, file, where);
            String repoId = requiredText(m, "repo_id", field, file, where);
            if (!repoId.matches("[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)?")) {
                throw new HubConfigException(file, field + ".repo_id", repoId, field + ".repo_id: " + repoId + " in "
                        + where + " is not a Hub repository id; write it as org/name, such as "
                        + "deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B");
            }
            String revision = optionalText(m, "revision", file, where, field).orElse("main");
            Path localDir = optionalText(m, "local_dir", file, where, field)
                    .map(p -> path(p, base, field + ".local_dir", file, where)).orElse(null);
            List<String> files = new ArrayList<>();
            JsonNode f = m.get("files");
            if (f != null && !f.isNull()) {
                if (!f.isArray()) {
                    throw new HubConfigException(file, field + ".files", f.asText(), field + ".files in " + where
                            + " is not a list; write it as files: [config.json, \"*.safetensors\"]");
                }
                for (JsonNode p : f) {
                    if (!p.isValueNode() || p.asText().isBlank()) {
                        throw new HubConfigException(file, field + ".files", p.toString(), field + ".files in "
                                + where + " has an entry that is not a file pattern: " + p + "; use patterns such "
                                + "as config.json or \"*.safetensors\" (quote those that start with *)");
                    }
                    files.add(p.asText());
                }
            }
            models.add(new ModelSpec(id, repoId, revision, localDir, files));
        }
        return new ModelsConfig(file, cacheDir, verify, models);
    }

    private static void unknownFields(JsonNode node, Set<String> known, String prefix, Path file, String where) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!known.contains(name)) {
                throw new HubConfigException(file, prefix + name, node.get(name).toString(), "Unknown field "
                        + prefix + name + " in " + where + "; use only " + String.join(", ", known.stream().sorted()
                        .toList()));
            }
        }
    }

    private static String requiredText(JsonNode node, String name, String field, Path file, String where) {
        return optionalText(node, name, file, where, field).orElseThrow(() -> new HubConfigException(file,
                field + "." + name, null, field + " in " + where + " has no " + name + "; add " + name + ": "
                        + (name.equals("id") ? "NAME" : "org/name")));
    }

    private static Optional<String> optionalText(JsonNode node, String name, Path file, String where) {
        return optionalText(node, name, file, where, null);
    }

    private static Optional<String> optionalText(JsonNode node, String name, Path file, String where, String parent) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        String field = parent == null ? name : parent + "." + name;
        if (!v.isValueNode() || v.asText().isBlank()) {
            throw new HubConfigException(file, field, v.toString(), field + " in " + where + " must be a non-empty "
                    + "text, not " + v + "; write it as " + name + ": VALUE");
        }
        return Optional.of(v.asText().strip());
    }

    private static Path path(String raw, Path base, String field, Path file, String where) {
        String home = System.getProperty("user.home");
        String expanded = raw.equals("~") ? home : raw.startsWith("~/") ? home + raw.substring(1) : raw;
        try {
            Path p = Path.of(expanded);
            return p.isAbsolute() || base == null ? p : base.resolve(p).normalize();
        } catch (InvalidPathException e) {
            throw new HubConfigException(file, field, raw, field + ": " + raw + " in " + where + " is not a path ("
                    + e.getReason() + "); use a folder path");
        }
    }
}
