/**
 * A Hugging Face Hub client: revision info, file listings, verified downloads into the Hub's own cache
 * layout, which Python's {@code huggingface_hub} reads and writes too.
 */
package org.den4j.hub;
