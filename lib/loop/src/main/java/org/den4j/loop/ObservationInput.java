package org.den4j.loop;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * An observation sent to the loop.
 *
 * @param text the text (required, not blank)
 * @param labels its labels, stored as a confirmed annotation by the sender; null or empty for none
 * @param externalId the sender's id for it, unique within the label set, or null
 * @param metadata any JSON object, or null
 */
public record ObservationInput(String text, List<String> labels, String externalId, JsonNode metadata) {
}
