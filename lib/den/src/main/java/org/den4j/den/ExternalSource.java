package org.den4j.den;

import java.nio.file.Path;
import java.util.Map;

/**
 * A place outside the den that models can be fetched and imported from, named by a scheme:
 * {@code hf:org/name@rev} is the Hugging Face Hub.
 *
 * <p>Sources are plug-ins. A module registers a {@link Provider} in
 * {@code META-INF/services/org.den4j.den.ExternalSource$Provider} (the Hub's lives in {@code den4j-hub}),
 * and {@link ExternalSources} finds it by scheme. Whoever opens a source closes it.
 */
public interface ExternalSource extends AutoCloseable {

    /** The scheme this source answers to, without the colon, for example {@code hf}. */
    String scheme();

    /**
     * Returns a local, read-only directory holding the model's files. The den stores nothing: the
     * directory belongs to the source (for {@code hf:}, a snapshot folder of the Hub cache).
     *
     * @param ref the reference after {@code scheme:}, for example {@code org/name@main}
     * @throws DenInputException when the reference is malformed or names nothing
     */
    Path fetch(String ref, ProgressListener progress);

    /**
     * Fetches the model and describes it for the registry: the directory, the name to register it
     * under by default, and the metadata the source can derive.
     *
     * @param ref the reference after {@code scheme:}
     * @throws DenInputException when the reference is malformed or names nothing
     */
    ImportedModel materialize(String ref, ProgressListener progress);

    /**
     * Describes the model for the registry without fetching its weights: the name, description, tags and
     * metadata {@link #materialize} would give, for a registry entry without files. For {@code hf:} only
     * {@code config.json} and the model card {@code README.md} are downloaded.
     *
     * @param ref the reference after {@code scheme:}
     * @return the description; its {@link ImportedModel#directory()} holds only what was read to describe it
     * @throws DenInputException when the reference is malformed or names nothing, or the source cannot
     *     describe a model without fetching it (the default)
     */
    default ImportedModel describe(String ref, ProgressListener progress) {
        throw new DenInputException("The " + scheme() + ": source cannot describe " + scheme() + ":" + ref
                + " without fetching it; import it with its files instead (den import " + scheme() + ":" + ref + ")");
    }

    @Override
    default void close() {
    }

    /** Makes the source of one scheme. */
    interface Provider {
        /** The scheme, without the colon, for example {@code hf}. */
        String scheme();

        /**
         * Opens the source, configured by {@code env} (for {@code hf:}, the {@code HF_*} variables).
         *
         * @throws DenConfigException when a variable has an unusable value
         */
        ExternalSource open(Map<String, String> env);
    }
}
