package org.den4j.den;

import java.util.List;

/**
 * A model and the models derived from it.
 *
 * @param model the model
 * @param children the models whose parent is this model's digest, oldest first
 */
public record LineageNode(ModelInfo model, List<LineageNode> children) {
    public LineageNode {
        children = List.copyOf(children);
    }

    /** The tree as indented text, one model per line. */
    public String render() {
        StringBuilder out = new StringBuilder();
        render(out, "", "", true);
        return out.toString();
    }

    private void render(StringBuilder out, String prefix, String childPrefix, boolean root) {
        out.append(prefix).append(model.ref()).append("  ").append(model.shortDigest());
        if (!model.description().isEmpty()) {
            out.append("  ").append(model.description());
        }
        out.append('\n');
        for (int i = 0; i < children.size(); i++) {
            boolean last = i == children.size() - 1;
            children.get(i).render(out, childPrefix + (last ? "└── " : "├── "), childPrefix + (last ? "    " : "│   "),
                    false);
        }
    }
}
