package org.den4j.coder.lm;

import java.nio.file.Path;
import java.util.Collection;
import java.util.EnumSet;
import java.util.Set;
import org.den4j.coder.CodeDictionary;
import org.den4j.coder.CoderInputException;
import org.den4j.coder.CoderModel;
import org.den4j.coder.IcdCoder;
import org.den4j.coder.IcdVersion;
import org.den4j.lm.LoraAdapter;

/**
 * What the language-model coders share: which model they are, their dictionary and ICD versions, the
 * {@link Backbone} they run with its LoRA adapter (null when the backbone is frozen), the version check, and closing
 * the adapter and the backbone. The coder owns both.
 */
abstract class BackboneCoder implements IcdCoder {
    private final String kind;
    private final CoderModel model;
    final CodeDictionary dictionary;
    final Set<IcdVersion> versions;
    final Backbone backbone;
    private final LoraAdapter adapter;

    BackboneCoder(String kind, CoderModel model, CodeDictionary dictionary, Collection<IcdVersion> versions,
            Backbone backbone, LoraAdapter adapter) {
        this.kind = kind;
        this.model = model;
        this.dictionary = dictionary;
        this.versions = EnumSet.noneOf(IcdVersion.class);
        this.versions.addAll(versions);
        this.backbone = backbone;
        this.adapter = adapter;
    }

    /**
     * Loads the LoRA adapter in {@code dir} and attaches it to {@code backbone}'s model; on failure nothing stays
     * open but the backbone.
     */
    static LoraAdapter attachAdapter(Backbone backbone, Path dir) {
        LoraAdapter adapter = LoraAdapter.load(dir, backbone.model().model());
        try {
            backbone.model().model().attachAdapter(adapter);
            return adapter;
        } catch (RuntimeException e) {
            adapter.close();
            throw e;
        }
    }

    /**
     * Closes what a failed load opened: the adapter (when there is one) and the backbone.
     *
     * @return {@code failure}, to throw
     */
    static RuntimeException release(RuntimeException failure, LoraAdapter adapter, Backbone backbone) {
        try {
            if (adapter != null) {
                adapter.close();
            }
        } finally {
            backbone.close();
        }
        return failure;
    }

    @Override
    public final String kind() {
        return kind;
    }

    @Override
    public final CoderModel model() {
        return model;
    }

    @Override
    public final CodeDictionary dictionary() {
        return dictionary;
    }

    @Override
    public final Set<IcdVersion> versions() {
        return versions;
    }

    /**
     * The version to answer in: {@code asked}, else the default.
     *
     * @throws CoderInputException when the coder was not trained on it
     */
    final IcdVersion checkVersion(IcdVersion asked) {
        IcdVersion v = asked != null ? asked : defaultVersion();
        if (!versions.contains(v)) {
            throw new CoderInputException("This coder was trained on " + versions.stream().map(IcdVersion::id)
                    .toList() + " codes, not " + v.id() + "; ask for one of those (--code-system)");
        }
        return v;
    }

    /** Detaches and closes the adapter, then closes the backbone (even when the adapter failed to close). */
    @Override
    public void close() {
        try {
            if (adapter != null) {
                backbone.model().model().detachAdapter();
                adapter.close();
            }
        } finally {
            backbone.close();
        }
    }
}
