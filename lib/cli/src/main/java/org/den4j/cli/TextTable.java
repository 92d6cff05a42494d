package org.den4j.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * A plain-text table: a header row and rows of cells, columns padded to their widest cell.
 *
 * <pre>
 * MODEL          DIGEST        SIZE
 * acme/tiny@1    3f2a9c01b4de  1.2 KiB
 * </pre>
 *
 * <p>Columns whose header starts with {@code >} are right-aligned (the mark is not printed). The
 * last column is not padded, so lines carry no trailing blanks.
 */
final class TextTable {
    private final List<String> headers = new ArrayList<>();
    private final List<Boolean> rightAligned = new ArrayList<>();
    private final List<List<String>> rows = new ArrayList<>();

    TextTable(String... headers) {
        for (String h : headers) {
            boolean right = h.startsWith(">");
            this.headers.add(right ? h.substring(1) : h);
            this.rightAligned.add(right);
        }
    }

    /** Adds a row; null cells print as {@code -}. */
    TextTable row(Object... cells) {
        if (cells.length != headers.size()) {
            throw new IllegalArgumentException("Row has " + cells.length + " cells for " + headers.size() + " columns");
        }
        List<String> row = new ArrayList<>();
        for (Object c : cells) {
            String s = c == null ? "-" : c.toString();
            row.add(s.isEmpty() ? "-" : s.replace('\n', ' '));
        }
        rows.add(row);
        return this;
    }

    boolean isEmpty() {
        return rows.isEmpty();
    }

    /** Prints the header row and the rows. */
    void print(PrintWriter out) {
        print(out, true);
    }

    /** Prints the rows only, indented by two blanks, for key-value listings. */
    void printRows(PrintWriter out) {
        print(out, false);
    }

    private void print(PrintWriter out, boolean withHeader) {
        int[] widths = new int[headers.size()];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = withHeader ? headers.get(i).length() : 0;
            for (List<String> row : rows) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        if (withHeader) {
            line(out, "", headers, widths);
        }
        for (List<String> row : rows) {
            line(out, withHeader ? "" : "  ", row, widths);
        }
        out.flush();
    }

    private void line(PrintWriter out, String indent, List<String> cells, int[] widths) {
        StringBuilder b = new StringBuilder(indent);
        for (int i = 0; i < cells.size(); i++) {
            String cell = cells.get(i);
            boolean last = i == cells.size() - 1;
            String pad = " ".repeat(widths[i] - cell.length());
            if (rightAligned.get(i)) {
                b.append(pad).append(cell);
            } else {
                b.append(cell).append(last ? "" : pad);
            }
            if (!last) {
                b.append("  ");
            }
        }
        out.println(b);
    }
}
