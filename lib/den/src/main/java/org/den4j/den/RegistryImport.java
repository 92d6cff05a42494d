package org.den4j.den;

import java.util.List;

/**
 * What a registry import did: entries made for models the den did not have, records applied to models it has,
 * and records refused with the reason.
 *
 * @param created the registry entries without files made for models the den did not have
 * @param updated the versions whose description, tags and metadata the import replaced
 * @param refused the records not applied, with why
 */
public record RegistryImport(List<ModelInfo> created, List<ModelInfo> updated, List<Refusal> refused) {
    public RegistryImport {
        created = List.copyOf(created);
        updated = List.copyOf(updated);
        refused = List.copyOf(refused);
    }

    /**
     * A record the import did not apply.
     *
     * @param name the model the record names, or where it is in the file when it names none
     * @param reason why, as one sentence with the fix
     */
    public record Refusal(String name, String reason) {
    }
}
