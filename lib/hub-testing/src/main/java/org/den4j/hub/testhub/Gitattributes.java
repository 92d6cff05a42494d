package org.den4j.hub.testhub;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/** The {@code .gitattributes} that huggingface.co puts in a new repository, and glob matching. */
final class Gitattributes {

    /** The LFS patterns of the Hub's default {@code .gitattributes}. */
    static final String[] LFS_PATTERNS = {
        "*.7z", "*.arrow", "*.bin", "*.bz2", "*.ckpt", "*.ftz", "*.gguf", "*.gz", "*.h5",
        "*.joblib", "*.lfs.*", "*.mlmodel", "*.model", "*.msgpack", "*.npy", "*.npz", "*.onnx",
        "*.ot", "*.parquet", "*.pb", "*.pickle", "*.pkl", "*.pt", "*.pth", "*.rar",
        "*.safetensors", "saved_model/**/*", "*.tar.*", "*.tar", "*.tflite", "*.tgz", "*.wasm",
        "*.xz", "*.zip", "*.zst", "*tfevents*",
    };

    private Gitattributes() {
    }

    /** The file's bytes: one {@code filter=lfs} line per default pattern. */
    static byte[] defaultFile() {
        StringBuilder text = new StringBuilder();
        for (String pattern : LFS_PATTERNS) {
            text.append(pattern).append(" filter=lfs diff=lfs merge=lfs -text\n");
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A regular expression for a {@code .gitattributes} glob. */
    static Pattern compile(String glob) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*' && i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                boolean slash = i + 2 < glob.length() && glob.charAt(i + 2) == '/';
                regex.append(slash ? "(?:.*/)?" : ".*");
                i += slash ? 2 : 1;
            } else if (c == '*') {
                regex.append("[^/]*");
            } else if (c == '?') {
                regex.append("[^/]");
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString());
    }
}
