package org.den4j.agent;

import ai.djl.repository.Repository;
import ai.djl.repository.RepositoryFactory;
import java.net.URI;
import java.nio.file.Path;
import java.util.Set;

/**
 * DJL's {@code den:} URL scheme: {@code Criteria.builder().optModelUrls("den://acme/tiny@1")} loads the
 * den's folder for {@code acme/tiny@1}, with or without the agent.
 *
 * <p>DJL finds this factory through {@code META-INF/services/ai.djl.repository.RepositoryFactory} when
 * den4j-agent is on the class path. {@code den:acme/tiny} and {@code den://acme/tiny} name the same
 * model. The den is the one the agent uses, else the one the {@code DEN4J_*} environment describes.
 */
public final class DenRepositoryFactory implements RepositoryFactory {
    /** The scheme. */
    public static final String SCHEME = "den";

    /**
     * A repository over the den's local folder for the URL's reference.
     *
     * @throws IllegalArgumentException when the den cannot give the model; the message names the
     *     reference, the den and the closest names
     */
    @Override
    public Repository newInstance(String name, URI uri) {
        String ref = uri.getSchemeSpecificPart();
        if (ref.startsWith("//")) {
            ref = ref.substring(2);
        }
        try {
            Path folder = Hooks.injector().fetch(uri.toString(), ref);
            return Repository.newInstance(name, folder);
        } catch (DenLoadException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    @Override
    public Set<String> getSupportedScheme() {
        return Set.of(SCHEME);
    }
}
