package org.den4j.hub;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.den4j.den.DenConfigException;
import org.den4j.den.DenException;
import org.den4j.den.DenInputException;
import org.den4j.den.ExternalSource;
import org.den4j.den.ImportedModel;
import org.den4j.den.ModelMetadata;
import org.den4j.den.ProgressListener;
import org.den4j.hub.internal.ModelCard;

/**
 * The den's {@code hf:} source: {@code hf:org/name@rev} is the Hub repository {@code org/name} at revision
 * {@code rev} (a branch, tag or commit; {@code main} when left out).
 *
 * <p>{@link #fetch} returns the snapshot folder of the Hub cache, downloading what is missing, and stores
 * nothing in the den. {@link #materialize} also derives registry metadata from {@code config.json}
 * (architecture, model type, inputs and outputs for the task, a parameter estimate) and from the front
 * matter of {@code README.md} (license, tags, {@code pipeline_tag}, {@code library_name}).
 *
 * <pre>{@code
 * try (Den den = Den.open()) {
 *     PushResult pushed = den.importExternal("hf:Qwen/Qwen2-0.5B@main");
 * }
 * }</pre>
 *
 * <p>The den finds it through {@link Provider}, registered in
 * {@code META-INF/services/org.den4j.den.ExternalSource$Provider}, configured by the {@code HF_*} variables.
 * Closing it closes its client when it made the client itself.
 */
public final class HubSource implements ExternalSource {
    /** The scheme, {@code hf}. */
    public static final String SCHEME = "hf";
    /** What {@link #describe} downloads: the configuration and the model card, never the weights. */
    static final java.util.List<String> CARD_FILES = java.util.List.of("config.json", "README.md");

    private final HubClient client;
    private final boolean ownsClient;

    /** A source over {@code client}, which the caller keeps and closes. */
    public HubSource(HubClient client) {
        this(client, false);
    }

    private HubSource(HubClient client, boolean ownsClient) {
        this.client = Objects.requireNonNull(client, "client");
        this.ownsClient = ownsClient;
    }

    /** Makes {@code hf:} sources for the den from the {@code HF_*} variables. */
    public static final class Provider implements ExternalSource.Provider {
        @Override
        public String scheme() {
            return SCHEME;
        }

        @Override
        public ExternalSource open(Map<String, String> env) {
            HubSettings settings;
            try {
                settings = HubSettings.fromEnvironment(env);
            } catch (HubConfigException e) {
                throw new DenConfigException(variableOf(e.getMessage()), e.getMessage());
            }
            return new HubSource(new HubClient(settings), true);
        }

        private static String variableOf(String message) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\b(HF_[A-Z_]+|HUGGINGFACE_[A-Z_]+)")
                    .matcher(String.valueOf(message));
            return m.find() ? m.group(1) : "HF_*";
        }
    }

    @Override
    public String scheme() {
        return SCHEME;
    }

    /**
     * The snapshot folder {@code $HF_HUB_CACHE/models--org--name/snapshots/<commit>} of the reference.
     *
     * @param ref {@code org/name} or {@code org/name@rev}, without {@code hf:}
     * @throws DenInputException when the repository, revision or a file does not exist or may not be seen
     * @throws DenException when the Hub cannot be reached and nothing is cached, or a download fails
     */
    @Override
    public Path fetch(String ref, ProgressListener progress) {
        String[] parts = split(ref);
        try {
            return client.snapshotDownload(parts[0], parts[1], null, null, Verification.NONE,
                    progress == null ? ProgressListener.NONE : progress);
        } catch (RepositoryNotFoundException | RevisionNotFoundException | EntryNotFoundException e) {
            throw new DenInputException("hf:" + ref + ": " + e.getMessage(), e);
        } catch (HubException e) {
            throw new DenException("hf:" + ref + ": " + e.getMessage(), e);
        }
    }

    @Override
    public ImportedModel materialize(String ref, ProgressListener progress) {
        return describe(ref, fetch(ref, progress), false);
    }

    /**
     * Describes {@code org/name@rev} from its {@code config.json} and {@code README.md} alone: only those two
     * files are downloaded (through the client's allow patterns), never the weights. The metadata is that of
     * {@link #materialize} except the size, which the two files cannot tell; {@code extra.source} is the
     * reference at its resolved commit ({@code hf:org/name@<commit>}), where the bytes can be fetched.
     */
    @Override
    public ImportedModel describe(String ref, ProgressListener progress) {
        String[] parts = split(ref);
        Path snapshot;
        try {
            snapshot = client.snapshotDownload(parts[0], parts[1], CARD_FILES, null, Verification.NONE,
                    progress == null ? ProgressListener.NONE : progress);
        } catch (RepositoryNotFoundException | RevisionNotFoundException | EntryNotFoundException e) {
            throw new DenInputException("hf:" + ref + ": " + e.getMessage(), e);
        } catch (HubException e) {
            throw new DenException("hf:" + ref + ": " + e.getMessage(), e);
        }
        return describe(ref, snapshot, true);
    }

    private ImportedModel describe(String ref, Path snapshot, boolean cardOnly) {
        String[] parts = split(ref);
        String commit = snapshot.getFileName().toString();
        String endpoint = client.settings().endpoint().toString().replaceAll("/+$", "");
        try {
            Map<String, Object> config = ModelCard.readConfig(snapshot);
            ModelCard.FrontMatter card = ModelCard.readFrontMatter(snapshot);
            ModelMetadata metadata = ModelCard.metadata(config, card, endpoint + "/" + parts[0] + "/tree/" + commit,
                    cardOnly ? -1 : sizeOf(snapshot)).toBuilder().extra("revision", parts[1]).extra("commit", commit)
                    .extra(ModelMetadata.SOURCE, SCHEME + ":" + parts[0] + "@" + commit).build();
            String description = "Hugging Face model " + parts[0] + " at " + parts[1]
                    + (parts[1].equals(commit) ? "" : " (commit " + commit + ")");
            // The snapshot's files are links into the repository's blobs/ (models--org--name): follow those only.
            return new ImportedModel(snapshot, parts[0], description, card.tags(), metadata,
                    snapshot.getParent().getParent());
        } catch (IOException e) {
            throw new DenException("hf:" + ref + ": cannot read config.json or README.md in " + snapshot + ": " + e, e);
        }
    }

    @Override
    public void close() {
        if (ownsClient) {
            client.close();
        }
    }

    /** {@code org/name@rev} as repository and revision ({@code main} when not given). */
    private static String[] split(String ref) {
        String text = ref == null ? "" : ref.strip();
        int at = text.lastIndexOf('@');
        String repo = at < 0 ? text : text.substring(0, at);
        String revision = at < 0 ? "main" : text.substring(at + 1);
        if (repo.isEmpty() || revision.isEmpty()) {
            throw new DenInputException("'hf:" + text + "' is not a Hub reference; write hf:org/name or "
                    + "hf:org/name@REVISION");
        }
        try {
            org.den4j.hub.internal.RepoNames.checkRepoId(repo);
            org.den4j.hub.internal.RepoNames.checkRevision(revision);
        } catch (HubException | IllegalArgumentException e) {
            throw new DenInputException("'hf:" + text + "' is not a Hub reference: " + e.getMessage(), e);
        }
        return new String[] {repo, revision};
    }

    private static long sizeOf(Path snapshot) throws IOException {
        try (Stream<Path> files = Files.walk(snapshot)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sum();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
