package org.den4j.den.format;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The key of one den document, parsed from or formatted to the storage layout that every backend,
 * the den server and the local cache share:
 *
 * <pre>
 * manifests/DIGEST.json                  a model's file list ({@link ManifestJson}), DIGEST 64 hex digits
 * models/NAME/@versions/N.json           one version's record ({@link VersionDoc}), N from 1
 * models/NAME/@aliases.json              a name's aliases and their history ({@link AliasDoc})
 * </pre>
 *
 * <p>This is the only place the layout is spelled out. {@link #parse} accepts exactly these forms; it
 * does not check that a name is a valid model name (see {@code ModelRef.checkName}).
 */
public sealed interface DocumentKey {
    /** The prefix of every manifest key. */
    String MANIFESTS = "manifests/";
    /** The prefix of every version and alias key. */
    String MODELS = "models/";

    /** The key as stored, for example {@code models/acme/tiny/@versions/3.json}. */
    String key();

    /** The key of the manifest of the model with content digest {@code digest}. */
    static String manifest(String digest) {
        return MANIFESTS + digest + ".json";
    }

    /** The key of one version's record. */
    static String version(String name, int version) {
        return MODELS + name + "/@versions/" + version + ".json";
    }

    /** The key of a name's aliases. */
    static String aliases(String name) {
        return MODELS + name + "/@aliases.json";
    }

    /** The prefix that every version and alias key of {@code name} starts with. */
    static String prefixOf(String name) {
        return MODELS + name + "/@";
    }

    /** Parses a key; empty when it is none of the three forms. */
    static Optional<DocumentKey> parse(String key) {
        Matcher m = Forms.MANIFEST.matcher(key);
        if (m.matches()) {
            return Optional.of(new ManifestKey(m.group(1)));
        }
        m = Forms.VERSION.matcher(key);
        if (m.matches()) {
            return Optional.of(new VersionKey(m.group(1), Integer.parseInt(m.group(2))));
        }
        m = Forms.ALIASES.matcher(key);
        if (m.matches()) {
            return Optional.of(new AliasesKey(m.group(1)));
        }
        return Optional.empty();
    }

    /** True for version keys. */
    static boolean isVersion(String key) {
        return parse(key).orElse(null) instanceof VersionKey;
    }

    /** True for alias keys. */
    static boolean isAliases(String key) {
        return parse(key).orElse(null) instanceof AliasesKey;
    }

    /** The model name of a version or alias key; empty for other keys. */
    static Optional<String> nameOf(String key) {
        return parse(key).map(k -> k instanceof VersionKey v ? v.name() : k instanceof AliasesKey a ? a.name() : null);
    }

    /** A manifest key. */
    record ManifestKey(String digest) implements DocumentKey {
        @Override
        public String key() {
            return DocumentKey.manifest(digest);
        }
    }

    /** A version key. */
    record VersionKey(String name, int version) implements DocumentKey {
        @Override
        public String key() {
            return DocumentKey.version(name, version);
        }
    }

    /** An alias key. */
    record AliasesKey(String name) implements DocumentKey {
        @Override
        public String key() {
            return DocumentKey.aliases(name);
        }
    }
}

/** The three key forms; a version number has at most nine digits so it fits an int. */
final class Forms {
    static final Pattern MANIFEST = Pattern.compile("manifests/([0-9a-f]{64})\\.json");
    static final Pattern VERSION = Pattern.compile("models/(.+)/@versions/([1-9][0-9]{0,8})\\.json");
    static final Pattern ALIASES = Pattern.compile("models/(.+)/@aliases\\.json");

    private Forms() {
    }
}
