package org.den4j.coder.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.den4j.coder.Code;
import org.den4j.coder.CodeDictionary;
import org.den4j.coder.CodeSystem;
import org.den4j.coder.CoderInputException;
import org.den4j.coder.IcdVersion;
import org.den4j.coder.PredictOptions;
import org.den4j.coder.Prediction;
import org.junit.jupiter.api.Test;

/** The remote coder against {@link ChatPeer}, a real loopback HTTP server that returns fixed chat answers. */
class RemoteCoderTest {
    private static final CodeDictionary DICTIONARY = CodeDictionary.of(Map.of(
            new Code("I50.23", CodeSystem.ICD10_CM), "Acute on chronic systolic (congestive) heart failure",
            new Code("E11.9", CodeSystem.ICD10_CM), "Type 2 diabetes mellitus without complications",
            new Code("02HV33Z", CodeSystem.ICD10_PCS), "Insertion of infusion device into superior vena cava",
            new Code("250.00", CodeSystem.ICD9_CM), "Diabetes mellitus without mention of complication"));

    @Test
    void answersAreParsedAgainstTheDictionaryAndTheRestIsDropped() throws Exception {
        try (ChatPeer peer = new ChatPeer()) {
            peer.then(ChatPeer.Answer.ok("<think>CHF and diabetes...</think>I50.23, e119, X99.99, 250.00, I50.23,"
                    + " 02HV33Z"));
            RemoteCoder coder = new RemoteCoder(OpenAiClient.builder(peer.baseUrl()).build(), "icd-coder",
                    DICTIONARY);
            Prediction p = coder.predict("Pt with CHF and T2DM.", PredictOptions.DEFAULTS);
            assertEquals(List.of("I50.23", "E11.9", "02HV33Z"), p.codes().stream().map(c -> c.code()).toList());
            assertEquals("Type 2 diabetes mellitus without complications", p.codes().get(1).description());
            assertEquals("ICD-10-PCS", p.codes().get(2).system());
            assertEquals(2, p.dropped(), "X99.99 is invented, 250.00 is ICD-9");
            assertTrue(p.toJson().contains("\"model\":{\"name\":\"icd-coder\",\"remote\":\"" + peer.baseUrl()
                    + "\"}"), p.toJson());
            assertTrue(p.toJson().endsWith(",\"dropped\":2}"), p.toJson());
            assertTrue(peer.received().get(0).body().contains(
                    "\"content\":\"Predict the medical codes for the following text: Pt with CHF and T2DM.\""));

            peer.then(ChatPeer.Answer.ok("250.00, I50.23"));
            Prediction icd9 = coder.predict("old admission", new PredictOptions(1, null, IcdVersion.ICD9, true));
            assertEquals(List.of("250.00"), icd9.codes().stream().map(c -> c.code()).toList());
            assertEquals(1, icd9.dropped());
        }
    }

    @Test
    void anEmptyNoteIsRefusedBeforeAnyCall() throws Exception {
        try (ChatPeer peer = new ChatPeer()) {
            RemoteCoder coder = new RemoteCoder(OpenAiClient.builder(peer.baseUrl()).build(), "m", DICTIONARY);
            assertThrows(CoderInputException.class, () -> coder.predict("  ", PredictOptions.DEFAULTS));
            assertEquals(0, peer.received().size());
        }
    }

    @Test
    void parsingKeepsOrderDropsRepeatsAndReadsUndottedCodes() {
        AnswerCodes a = AnswerCodes.parse("I5023; E11.9.\n- \"E11.9\" I50.23", DICTIONARY, IcdVersion.ICD10);
        assertEquals(List.of("I50.23", "E11.9"), a.codes().stream().map(Code::code).toList());
        assertEquals(List.of(), a.dropped());
        assertEquals(List.of("nonsense"), AnswerCodes.parse("nonsense", DICTIONARY, IcdVersion.ICD10).dropped());
    }
}
