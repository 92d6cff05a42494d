package org.den4j.coder;

import java.util.List;

/**
 * An admission's discharge note with the codes it was assigned (diagnoses, then procedures, as in the training
 * completions).
 *
 * @param hadmId the admission
 * @param text the note
 * @param version the ICD version the admission was coded in
 * @param codes the assigned codes
 */
public record CodedNote(long hadmId, String text, IcdVersion version, List<Code> codes) {
    public CodedNote {
        codes = List.copyOf(codes);
    }
}
