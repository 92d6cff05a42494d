package org.den4j.coder;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Finds coder kinds ({@link CoderFormat}s registered through {@link ServiceLoader}) and loads coder folders.
 */
public final class Coders {
    private Coders() {
    }

    /** Every registered kind, in service order. */
    public static List<CoderFormat> formats() {
        List<CoderFormat> out = new ArrayList<>();
        for (CoderFormat f : ServiceLoader.load(CoderFormat.class, Coders.class.getClassLoader())) {
            out.add(f);
        }
        return out;
    }

    /**
     * The format of {@code kind}.
     *
     * @throws CoderInputException naming the known kinds when there is none
     */
    public static CoderFormat format(String kind) {
        List<CoderFormat> all = formats();
        for (CoderFormat f : all) {
            if (f.kind().equals(kind)) {
                return f;
            }
        }
        throw new CoderInputException("Unknown coder kind '" + kind + "'; known kinds: "
                + String.join(", ", all.stream().map(CoderFormat::kind).toList()));
    }

    /** Loads a coder folder; predictions name the folder as the model. */
    public static IcdCoder load(Path folder) {
        return load(folder, null, CoderFormat.LoadOptions.DEFAULTS);
    }

    /**
     * Loads a coder folder.
     *
     * @param model the identity to report (null: the folder)
     * @throws CoderInputException when the folder is not a coder (no {@code coder.json}), lacks its
     *     {@value CodeDictionary#FILE_NAME}, or its kind is unknown
     */
    public static IcdCoder load(Path folder, CoderModel model, CoderFormat.LoadOptions options) {
        CoderConfig config = CoderConfig.read(folder);
        if (!java.nio.file.Files.isRegularFile(folder.resolve(CodeDictionary.FILE_NAME))) {
            CodeDictionary.read(folder); // its message names the folder and the fix
        }
        CoderFormat format = format(config.kind());
        CoderModel identity = model != null ? model : CoderModel.ofFolder(folder.toString(), config.kind());
        return format.load(folder, identity, options);
    }
}
