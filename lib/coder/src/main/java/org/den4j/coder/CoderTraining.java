package org.den4j.coder;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.den4j.den.Den;

/**
 * What training a coder gets.
 *
 * @param train the notes to learn from (the train split)
 * @param validation the notes to tune thresholds on (the validation split); never the test split
 * @param dictionary the codes and descriptions to save with the coder
 * @param outputDir where the coder folder goes
 * @param settings kind-specific settings (for example {@code c}, {@code steps}), strings as given on the command
 *     line or read from the configuration; each kind documents and checks its own
 * @param den the den for language-model coders' base models (may be null for the others)
 * @param device {@code auto}, {@code cpu} or {@code cuda}
 * @param seed the seed of every random choice
 * @param progress where to draw progress (null: none)
 * @param trainedOn a description of the data for the registry (database file, split sizes)
 */
public record CoderTraining(List<CodedNote> train, List<CodedNote> validation, CodeDictionary dictionary,
        Path outputDir, Map<String, String> settings, Den den, String device, long seed, PrintStream progress,
        Map<String, Object> trainedOn) {
    public CoderTraining {
        train = List.copyOf(train);
        validation = List.copyOf(validation);
        settings = Map.copyOf(settings);
        trainedOn = Map.copyOf(trainedOn);
    }

    /**
     * The training of a database written by {@code prepare-mimic}: its train and validation notes and its code
     * dictionary. The test split is never read, so nothing tuned here has seen it.
     *
     * @param limit at most this many notes of each split (0: all)
     * @throws CoderInputException when the database is missing or not such a database
     */
    public static CoderTraining fromDatabase(Path database, int limit, Path outputDir, Map<String, String> settings,
            Den den, String device, long seed, PrintStream progress) {
        List<CodedNote> train = CodingData.read(database, "train", limit);
        List<CodedNote> validation = CodingData.read(database, "validation", limit);
        Map<String, Object> trainedOn = new java.util.LinkedHashMap<>();
        trainedOn.put("database", database.toAbsolutePath().normalize().toString());
        trainedOn.put("train_notes", train.size());
        trainedOn.put("validation_notes", validation.size());
        return new CoderTraining(train, validation, CodeDictionary.fromDatabase(database), outputDir, settings, den,
                device, seed, progress, trainedOn);
    }
}
