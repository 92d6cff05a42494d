package org.den4j.coder.lm;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.den4j.coder.Code;

/**
 * The token sequences a constrained decoder may produce: codes of a dictionary separated by {@code ", "} and
 * closed by the end token, exactly as the training completions are tokenized ({@code "E11.9, I10, 0DTJ4ZZ"}
 * then end). At every step {@link Cursor#allowed()} holds only the tokens that continue a code of the
 * dictionary, the separator after a complete code, or the end after a complete code; so an invented or
 * malformed code cannot come out, whatever the model's logits.
 *
 * <p>Codes are tokenized as they sit in a completion: the first bare ({@code "E11.9"}), later ones after the
 * separator's space ({@code " I10"}); byte-level BPE with the Qwen2 pre-tokenizer splits a completion at these
 * boundaries, so the paths are the completion's own tokens. A code that is the prefix of another (ICD-9
 * {@code 250.0} and {@code 250.00}) ends at an inner node. Immutable and thread-safe; cursors are not.
 *
 * <pre>{@code
 * CodeTrie trie = CodeTrie.build(dictionary.codes(IcdVersion.ICD10), tokenizer::encode, eos);
 * CodeTrie.Cursor c = trie.start();
 * while (!c.finished()) {
 *     c = c.advance(best(logits, c.allowed()));
 * }
 * List<Code> codes = c.codes();
 * }</pre>
 */
public final class CodeTrie {
    /** The text between two codes of a completion. */
    public static final String SEPARATOR = ", ";

    private final Node first;
    private final Node later;
    private final int[] separator;
    private final int end;
    private final int size;

    private CodeTrie(Node first, Node later, int[] separator, int end, int size) {
        this.first = first;
        this.later = later;
        this.separator = separator;
        this.end = end;
        this.size = size;
    }

    private static final class Node {
        final Map<Integer, Node> children = new HashMap<>();
        Code code;
        int[] allowed;
    }

    /**
     * A trie over {@code codes}, tokenized by {@code tokenize} (no special tokens): each code bare and after a
     * space, and the separator's comma.
     *
     * @param end the token that closes a completion (the tokenizer's end of sequence)
     * @throws IllegalArgumentException when there are no codes, a code tokenizes to nothing, or two codes
     *     tokenize alike
     */
    public static CodeTrie build(Collection<Code> codes, Function<String, int[]> tokenize, int end) {
        if (codes.isEmpty()) {
            throw new IllegalArgumentException("a code trie needs at least one code");
        }
        int[] comma = tokenize.apply(SEPARATOR.substring(0, 1));
        Node first = new Node();
        Node later = new Node();
        for (Code c : codes) {
            insert(first, tokenize.apply(c.code()), c);
            insert(later, tokenize.apply(" " + c.code()), c);
        }
        freeze(first);
        freeze(later);
        return new CodeTrie(first, later, comma, end, codes.size());
    }

    private static void insert(Node root, int[] tokens, Code code) {
        if (tokens.length == 0) {
            throw new IllegalArgumentException("code " + code.code() + " tokenizes to no token");
        }
        Node n = root;
        for (int t : tokens) {
            n = n.children.computeIfAbsent(t, k -> new Node());
        }
        if (n.code != null && !n.code.equals(code)) {
            throw new IllegalArgumentException("codes " + n.code.code() + " and " + code.code() + " tokenize alike");
        }
        n.code = code;
    }

    private static void freeze(Node n) {
        n.allowed = n.children.keySet().stream().mapToInt(Integer::intValue).sorted().toArray();
        for (Node child : n.children.values()) {
            freeze(child);
        }
    }

    /** How many codes it holds. */
    public int size() {
        return size;
    }

    /** The end token. */
    public int end() {
        return end;
    }

    /** A cursor before the first token of a completion. */
    public Cursor start() {
        return new Cursor(first, 0, List.of(), false);
    }

    /**
     * Where a completion stands: inside a code (at a trie node), inside the separator, or finished. Each
     * {@link #advance} returns a new cursor.
     */
    public final class Cursor {
        private final Node node;
        private final int separatorAt;
        private final List<Code> codes;
        private final boolean finished;

        private Cursor(Node node, int separatorAt, List<Code> codes, boolean finished) {
            this.node = node;
            this.separatorAt = separatorAt;
            this.codes = codes;
            this.finished = finished;
        }

        /** Whether the end token was taken. */
        public boolean finished() {
            return finished;
        }

        /** The codes completed so far, in order (repeats included; {@link #distinctCodes()} drops them). */
        public List<Code> codes() {
            return codes;
        }

        /** The codes completed so far, first occurrence kept. */
        public List<Code> distinctCodes() {
            return List.copyOf(new LinkedHashSet<>(codes));
        }

        /** The code completed at this node, or null (inside a code that is no code yet, or in the separator). */
        public Code codeHere() {
            return node == null ? null : node.code;
        }

        /** The tokens that may come next, ascending; empty once finished. */
        public int[] allowed() {
            if (finished) {
                return new int[0];
            }
            if (node == null) {
                return new int[] {separator[separatorAt]};
            }
            if (node.code == null) {
                return node.allowed;
            }
            int[] out = Arrays.copyOf(node.allowed, node.allowed.length + 2);
            out[node.allowed.length] = separator[0];
            out[node.allowed.length + 1] = end;
            Arrays.sort(out);
            return dedupe(out);
        }

        /** Whether {@code token} may come next. */
        public boolean allows(int token) {
            return Arrays.binarySearch(allowed(), token) >= 0;
        }

        /**
         * The cursor after {@code token}.
         *
         * @throws IllegalArgumentException when the token is not {@link #allowed()}
         */
        public Cursor advance(int token) {
            if (!allows(token)) {
                throw new IllegalArgumentException("token " + token + " cannot come next; allowed: "
                        + Arrays.toString(allowed()));
            }
            if (node == null) {
                return separatorAt + 1 < separator.length ? new Cursor(null, separatorAt + 1, codes, false)
                        : new Cursor(later, 0, codes, false);
            }
            Node child = node.children.get(token);
            if (child != null) {
                return new Cursor(child, 0, codes, false);
            }
            List<Code> done = new ArrayList<>(codes);
            done.add(node.code);
            if (token == end) {
                return new Cursor(node, 0, List.copyOf(done), true);
            }
            return separator.length > 1 ? new Cursor(null, 1, List.copyOf(done), false)
                    : new Cursor(later, 0, List.copyOf(done), false);
        }
    }

    private static int[] dedupe(int[] sorted) {
        int n = 0;
        for (int i = 0; i < sorted.length; i++) {
            if (i == 0 || sorted[i] != sorted[i - 1]) {
                sorted[n++] = sorted[i];
            }
        }
        return Arrays.copyOf(sorted, n);
    }

    /** The codes of a trie's set, for checks: every code it can produce. */
    Set<Code> codes() {
        Set<Code> out = new LinkedHashSet<>();
        collect(first, out);
        return out;
    }

    private static void collect(Node n, Set<Code> out) {
        if (n.code != null) {
            out.add(n.code);
        }
        n.children.values().forEach(c -> collect(c, out));
    }
}
