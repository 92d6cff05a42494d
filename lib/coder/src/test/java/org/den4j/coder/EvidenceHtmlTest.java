package org.den4j.coder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EvidenceHtmlTest {
    private static final String NOTE = "CHF <exacerbation> & type 2 diabetes; denies chest pain";

    private static Prediction prediction() {
        return new Prediction(List.of(
                new PredictedCode("I50.9", "ICD-10-CM", "Heart failure, unspecified", 0.9,
                        List.of(new Evidence(0, 3, "CHF"), new Evidence(4, 18, "<exacerbation>"))),
                new PredictedCode("E11.9", "ICD-10-CM", "Type 2 diabetes mellitus without complications", 0.7,
                        List.of(new Evidence(21, 36, "type 2 diabetes"), new Evidence(28, 36, "diabetes")))),
                CoderModel.ofFolder("coders/linear", "linear"), 3);
    }

    @Test
    void marksEachCodesSpansInItsColourAndEscapesTheNote() {
        String html = EvidenceHtml.render(NOTE, prediction(), Set.of("I50.9"));
        assertTrue(html.contains("<mark title=\"I50.9\" style=\"background:#ffd166\">CHF</mark> "
                + "<mark title=\"I50.9\" style=\"background:#ffd166\">&lt;exacerbation&gt;</mark> &amp; "
                + "<mark title=\"E11.9\" style=\"background:#8ecae6\">type 2 diabetes</mark>; denies chest pain</div>"),
                html);
        assertEquals(3, html.split("<mark ", -1).length - 1, "the overlapping span is skipped: " + html);
        assertTrue(html.contains("I50.9&nbsp;</span> ICD-10-CM Heart failure, unspecified (score 0.90, in the "
                + "admission's codes)</li>"), html);
        assertTrue(html.contains("(score 0.70, not in the admission's codes)</li></ul>"), html);
    }

    @Test
    void aSpanOutsideTheNoteIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> EvidenceHtml.render("CHF", prediction(), Set.of()));
    }
}
