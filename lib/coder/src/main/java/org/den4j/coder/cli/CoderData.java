package org.den4j.coder.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import org.den4j.coder.CoderInputException;
import org.den4j.data.TrainingConfig;
import org.den4j.data.TrainingConfigException;
import picocli.CommandLine.Option;

/**
 * The {@code --config} and {@code --database} options of the coder commands as a mixin: the database is the
 * one given, else the configuration's {@code data.database}.
 */
final class CoderData {
    @Option(names = "--config", paramLabel = "FILE", defaultValue = "config/training-config.yaml",
            description = "Training configuration whose data.database is the default database "
                    + "(default: ${DEFAULT-VALUE}; built-in defaults when that file is absent).")
    Path config;

    @Option(names = "--database", paramLabel = "DB",
            description = "The DuckDB database written by ./jbang prepare-mimic (default: the config's data.database).")
    Path database;

    /** The configuration: the file, or the built-in defaults when the default file is absent. */
    TrainingConfig config() {
        try {
            if (!Files.exists(config) && config.equals(TrainingConfig.DEFAULT_FILE)) {
                return TrainingConfig.defaults();
            }
            return TrainingConfig.read(config);
        } catch (TrainingConfigException e) {
            throw new CoderInputException(e.getMessage(), e);
        }
    }

    /** The database to read. */
    Path database() {
        return database != null ? database : config().data().database();
    }
}
