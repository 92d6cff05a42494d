package org.den4j.coder;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * A note as HTML with the evidence of its predicted codes highlighted, one colour per code, and a legend that
 * lists the codes: what notebooks and docs pages show. The text is escaped; nothing of the note becomes markup.
 *
 * <pre>{@code
 * Prediction p = coder.predict(note, PredictOptions.DEFAULTS);
 * display("text/html", EvidenceHtml.render(note, p, Set.of()));
 * }</pre>
 *
 * <p>Overlapping spans keep the one that starts first (of two that start together, the higher-scored code's).
 */
public final class EvidenceHtml {
    private static final String[] COLOURS = {"#ffd166", "#8ecae6", "#b5e48c", "#f4acb7", "#cdb4db", "#ffb703",
        "#90be6d", "#a2d2ff"};

    private EvidenceHtml() {
    }

    /**
     * The HTML of {@code text} with {@code prediction}'s evidence marked.
     *
     * @param text the note the prediction was made on (evidence offsets index it)
     * @param gold the admission's own codes, to say in the legend which predicted codes are right; empty for none
     * @throws IllegalArgumentException when an evidence span lies outside {@code text}
     */
    public static String render(String text, Prediction prediction, Collection<String> gold) {
        record Mark(int start, int end, int rank, String code) {
        }
        List<Mark> marks = new ArrayList<>();
        List<PredictedCode> codes = prediction.codes();
        for (int i = 0; i < codes.size(); i++) {
            for (Evidence e : codes.get(i).evidence()) {
                if (e.start() < 0 || e.end() > text.length() || e.start() > e.end()) {
                    throw new IllegalArgumentException("evidence [" + e.start() + ", " + e.end() + ") of "
                            + codes.get(i).code() + " lies outside the note of " + text.length() + " characters");
                }
                marks.add(new Mark(e.start(), e.end(), i, codes.get(i).code()));
            }
        }
        marks.sort(Comparator.comparingInt(Mark::start).thenComparingInt(Mark::rank));
        StringBuilder html = new StringBuilder("<div class=\"den4j-evidence\" style=\"white-space:pre-wrap;"
                + "font-family:monospace;font-size:12px;max-height:360px;overflow:auto;border:1px solid #ddd;"
                + "padding:6px\">");
        int at = 0;
        for (Mark m : marks) {
            if (m.start() < at) {
                continue;
            }
            escape(html, text.substring(at, m.start()));
            html.append("<mark title=\"").append(escape(m.code())).append("\" style=\"background:")
                    .append(colour(m.rank())).append("\">");
            escape(html, text.substring(m.start(), m.end()));
            html.append("</mark>");
            at = m.end();
        }
        escape(html, text.substring(at));
        html.append("</div>\n<ul class=\"den4j-codes\">");
        Set<String> right = Set.copyOf(gold);
        for (int i = 0; i < codes.size(); i++) {
            PredictedCode c = codes.get(i);
            html.append("<li><span style=\"background:").append(colour(i)).append("\">&nbsp;")
                    .append(escape(c.code())).append("&nbsp;</span> ").append(escape(c.system())).append(' ')
                    .append(escape(c.description())).append(String.format(" (score %.2f", c.score()));
            if (!right.isEmpty()) {
                html.append(right.contains(c.code()) ? ", in the admission's codes" : ", not in the admission's codes");
            }
            html.append(")</li>");
        }
        return html.append("</ul>").toString();
    }

    private static String colour(int rank) {
        return COLOURS[rank % COLOURS.length];
    }

    private static String escape(String s) {
        return escape(new StringBuilder(), s).toString();
    }

    private static StringBuilder escape(StringBuilder out, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out;
    }
}
