package io.nightshift.retrain;

import static java.util.Objects.requireNonNull;

import io.nightshift.DidYouMean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What to train: the data (a file, directory or glob; local or S3), its label and feature columns, the model family
 * and its hyper-parameters. Validated on construction; every message names the setting as a job spec's
 * {@code training:} block writes it ({@code training.epochs}). {@link #fromMap} reads that block; {@link #builder} holds
 * the defaults.
 *
 * @param data training location
 * @param label the 0/1 label column
 * @param features feature columns in model input order; empty when {@code featurePrefix} chooses them
 * @param featurePrefix chooses the first file's columns starting with it; null when {@code features} are listed
 * @param hidden units per hidden layer (mlp)
 * @param epochs most passes over the training rows (mlp)
 * @param learningRate Adam's step size (mlp)
 * @param l2 L2 penalty on weights of standardized features; positive for logistic-regression
 * @param batchSize rows per Adam step (mlp)
 * @param patience epochs without a lower validation log loss before stopping (mlp)
 * @param seed seeds the train/validation split, and for mlp the initial weights and row order
 * @param validationFraction share of each class's rows held out for validation
 */
public record TrainingSpec(String data, String label, List<String> features, String featurePrefix, Family family,
        List<Integer> hidden, int epochs, double learningRate, double l2, int batchSize, int patience, long seed,
        double validationFraction) {

    public static final Family DEFAULT_FAMILY = Family.LOGISTIC_REGRESSION;
    public static final double DEFAULT_VALIDATION_FRACTION = 0.2;
    public static final long DEFAULT_SEED = 1;
    public static final int MAX_HIDDEN_LAYERS = 8;
    public static final int MAX_EPOCHS = 10_000;
    public static final int MAX_BATCH_SIZE = 1 << 16;

    /** The block's keys, as the job spec writes them. */
    public static final Set<String> KEYS = Set.of("data", "label", "features", "feature-prefix", "family", "hidden", "epochs",
            "learning-rate", "l2", "batch-size", "patience", "seed", "validation-fraction");
    /** Keys that only the perceptron reads: given with another family they would be silently ignored, so they are refused. */
    private static final Set<String> MLP_KEYS = Set.of("hidden", "epochs", "learning-rate", "batch-size", "patience");
    private static final String BLOCK = "training.";

    /** The model families training knows, by the name job specs use. */
    public enum Family {
        LOGISTIC_REGRESSION(TrainedLogisticRegression.FAMILY),
        MLP(TrainedPerceptron.FAMILY);

        private final String specName;

        Family(String specName) {
            this.specName = specName;
        }

        public String specName() {
            return specName;
        }

        public static Family of(String name) {
            for (Family family : values()) {
                if (family.specName.equals(name.trim().toLowerCase(Locale.ROOT))) {
                    return family;
                }
            }
            List<String> names = Arrays.stream(values()).map(Family::specName).toList();
            String suggestion = DidYouMean.closest(name, names).map(known -> "; did you mean '" + known + "'?").orElse("");
            throw new IllegalArgumentException(BLOCK + "family must be one of " + names + ", was '" + name + "'" + suggestion);
        }
    }

    public TrainingSpec {
        requireNonBlank(data, "data");
        requireNonBlank(label, "label");
        features = List.copyOf(requireNonNull(features, BLOCK + "features is null"));
        requireNonNull(family, BLOCK + "family is null");
        hidden = List.copyOf(requireNonNull(hidden, BLOCK + "hidden is null"));
        if (features.isEmpty() == (featurePrefix == null)) {
            throw new IllegalArgumentException("give either " + BLOCK + "features or " + BLOCK + "feature-prefix, "
                    + (features.isEmpty() ? "not neither" : "not both"));
        }
        if (featurePrefix != null && featurePrefix.isEmpty()) {
            throw new IllegalArgumentException(BLOCK + "feature-prefix must not be empty");
        }
        for (String feature : features) {
            requireNonBlank(feature, "features");
        }
        if (new HashSet<>(features).size() != features.size()) {
            throw new IllegalArgumentException(BLOCK + "features lists a column twice: " + features);
        }
        if (features.contains(label)) {
            throw new IllegalArgumentException(BLOCK + "features must not contain the label column '" + label + "'");
        }
        if (hidden.size() > MAX_HIDDEN_LAYERS) {
            throw new IllegalArgumentException(BLOCK + "hidden may have at most " + MAX_HIDDEN_LAYERS + " layers, got " + hidden);
        }
        for (Integer units : hidden) {
            if (units == null || units < 1 || units > PerceptronTrainer.MAX_UNITS) {
                throw new IllegalArgumentException(BLOCK + "hidden sizes must be between 1 and " + PerceptronTrainer.MAX_UNITS
                        + ", got " + hidden);
            }
        }
        if (epochs < 1 || epochs > MAX_EPOCHS) {
            throw new IllegalArgumentException(BLOCK + "epochs must be between 1 and " + MAX_EPOCHS + ", got " + epochs);
        }
        if (!(learningRate > 0 && learningRate <= 1)) {
            throw new IllegalArgumentException(BLOCK + "learning-rate must be above 0 and at most 1, got " + learningRate);
        }
        if (!(l2 >= 0) || !Double.isFinite(l2)) {
            throw new IllegalArgumentException(BLOCK + "l2 must be a finite number, 0 or more, got " + l2);
        }
        if (family == Family.LOGISTIC_REGRESSION && !(l2 > 0)) {
            throw new IllegalArgumentException(BLOCK + "l2 must be above 0 for logistic-regression (Newton's method needs it), got " + l2);
        }
        if (batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
            throw new IllegalArgumentException(BLOCK + "batch-size must be between 1 and " + MAX_BATCH_SIZE + ", got " + batchSize);
        }
        if (patience < 1) {
            throw new IllegalArgumentException(BLOCK + "patience must be at least 1, got " + patience);
        }
        if (!(validationFraction > 0 && validationFraction < 1)) {
            throw new IllegalArgumentException(BLOCK + "validation-fraction must be between 0 and 1 (exclusive), got "
                    + validationFraction);
        }
    }

    private static void requireNonBlank(String value, String key) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(BLOCK + key + " is missing");
        }
    }

    /** The family's trainer, configured with this spec's hyper-parameters. */
    public Trainer trainer() {
        return switch (family) {
            case LOGISTIC_REGRESSION -> new LogisticRegressionTrainer(l2, LogisticRegressionTrainer.DEFAULT_MAX_ITERATIONS,
                    LogisticRegressionTrainer.DEFAULT_TOLERANCE);
            case MLP -> new PerceptronTrainer(hidden, epochs, learningRate, l2, batchSize, patience, seed);
        };
    }

    /** Starts a spec with every default; {@code features} or {@code featurePrefix} must still be given. */
    public static Builder builder(String data, String label) {
        return new Builder(data, label);
    }

    /** Holds the defaults, once. */
    public static final class Builder {
        private final String data;
        private final String label;
        private List<String> features = List.of();
        private String featurePrefix;
        private Family family = DEFAULT_FAMILY;
        private List<Integer> hidden = PerceptronTrainer.DEFAULT_HIDDEN;
        private int epochs = PerceptronTrainer.DEFAULT_EPOCHS;
        private double learningRate = PerceptronTrainer.DEFAULT_LEARNING_RATE;
        private double l2 = PerceptronTrainer.DEFAULT_L2;
        private int batchSize = PerceptronTrainer.DEFAULT_BATCH_SIZE;
        private int patience = PerceptronTrainer.DEFAULT_PATIENCE;
        private long seed = DEFAULT_SEED;
        private double validationFraction = DEFAULT_VALIDATION_FRACTION;

        private Builder(String data, String label) {
            this.data = data;
            this.label = label;
        }

        public Builder features(List<String> value) {
            this.features = value;
            return this;
        }

        public Builder featurePrefix(String value) {
            this.featurePrefix = value;
            return this;
        }

        public Builder family(Family value) {
            this.family = value;
            return this;
        }

        public Builder hidden(List<Integer> value) {
            this.hidden = value;
            return this;
        }

        public Builder epochs(int value) {
            this.epochs = value;
            return this;
        }

        public Builder learningRate(double value) {
            this.learningRate = value;
            return this;
        }

        public Builder l2(double value) {
            this.l2 = value;
            return this;
        }

        public Builder batchSize(int value) {
            this.batchSize = value;
            return this;
        }

        public Builder patience(int value) {
            this.patience = value;
            return this;
        }

        public Builder seed(long value) {
            this.seed = value;
            return this;
        }

        public Builder validationFraction(double value) {
            this.validationFraction = value;
            return this;
        }

        public TrainingSpec build() {
            return new TrainingSpec(data, label, features, featurePrefix, family, hidden, epochs, learningRate, l2, batchSize,
                    patience, seed, validationFraction);
        }
    }

    /**
     * Reads a job spec's {@code training:} block (YAML already parsed into maps and lists). An unknown key is an error
     * that suggests the key meant; so is a perceptron-only key given for another family. Locations are kept as written:
     * the caller resolves a relative {@code data} path against the spec's directory first.
     *
     * @param source the job spec, for messages
     * @throws TrainingException (a configuration error) naming the spec and the setting
     */
    public static TrainingSpec fromMap(Map<?, ?> block, String source) {
        requireNonNull(block, "block is null");
        for (Object key : block.keySet()) {
            String name = String.valueOf(key);
            if (!KEYS.contains(name)) {
                String suggestion = DidYouMean.closest(name, KEYS).map(known -> "; did you mean '" + BLOCK + known + "'?").orElse(".");
                throw error(source, "unknown setting '" + BLOCK + name + "'" + suggestion + " Settings of training: "
                        + KEYS.stream().sorted().toList());
            }
        }
        try {
            Builder builder = builder(string(block, "data", source), string(block, "label", source));
            if (block.get("features") != null) {
                builder.features(strings(block, "features", source));
            }
            builder.featurePrefix(string(block, "feature-prefix", source));
            String family = string(block, "family", source);
            if (family != null) {
                builder.family(Family.of(family));
            }
            Family chosen = family == null ? DEFAULT_FAMILY : Family.of(family);
            if (chosen != Family.MLP) {
                for (String key : MLP_KEYS.stream().sorted().toList()) {
                    if (block.containsKey(key)) {
                        throw error(source, "'" + BLOCK + key + "' applies to family " + Family.MLP.specName() + " only, but "
                                + BLOCK + "family is " + chosen.specName() + "; remove it or set family: " + Family.MLP.specName());
                    }
                }
            }
            if (block.get("hidden") != null) {
                builder.hidden(integers(block, "hidden", source));
            }
            Integer epochs = integer(block, "epochs", source);
            if (epochs != null) {
                builder.epochs(epochs);
            }
            Double learningRate = decimal(block, "learning-rate", source);
            if (learningRate != null) {
                builder.learningRate(learningRate);
            }
            Double l2 = decimal(block, "l2", source);
            if (l2 != null) {
                builder.l2(l2);
            }
            Integer batchSize = integer(block, "batch-size", source);
            if (batchSize != null) {
                builder.batchSize(batchSize);
            }
            Integer patience = integer(block, "patience", source);
            if (patience != null) {
                builder.patience(patience);
            }
            Long seed = whole(block, "seed", source);
            if (seed != null) {
                builder.seed(seed);
            }
            Double validationFraction = decimal(block, "validation-fraction", source);
            if (validationFraction != null) {
                builder.validationFraction(validationFraction);
            }
            return builder.build();
        } catch (IllegalArgumentException e) {
            throw error(source, e.getMessage());
        }
    }

    private static TrainingException error(String source, String message) {
        return TrainingException.configuration("Cannot read job spec " + source + ": " + message);
    }

    private static String string(Map<?, ?> block, String key, String source) {
        Object value = block.get(key);
        if (value == null) {
            return null;
        }
        if (value instanceof Map<?, ?> || value instanceof List<?>) {
            throw error(source, "'" + BLOCK + key + "' must be a single value");
        }
        return String.valueOf(value);
    }

    private static List<String> strings(Map<?, ?> block, String key, String source) {
        Object value = block.get(key);
        if (value instanceof String text) {
            return List.of(text.trim().split("\\s*,\\s*"));
        }
        if (!(value instanceof List<?> entries)) {
            throw error(source, "'" + BLOCK + key + "' must be a list of column names");
        }
        List<String> result = new ArrayList<>();
        for (Object entry : entries) {
            if (entry == null || entry instanceof Map<?, ?> || entry instanceof List<?>) {
                throw error(source, "'" + BLOCK + key + "' must be a list of column names, found " + entry);
            }
            result.add(String.valueOf(entry));
        }
        return result;
    }

    private static List<Integer> integers(Map<?, ?> block, String key, String source) {
        Object value = block.get(key);
        List<?> entries = value instanceof List<?> list ? list : List.of(value);
        List<Integer> result = new ArrayList<>();
        for (Object entry : entries) {
            if (!(entry instanceof Integer number)) {
                throw error(source, "'" + BLOCK + key + "' must be a list of whole numbers (units per hidden layer), found '"
                        + entry + "'");
            }
            result.add(number);
        }
        return result;
    }

    private static Integer integer(Map<?, ?> block, String key, String source) {
        Long value = whole(block, key, source);
        if (value == null) {
            return null;
        }
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw error(source, "'" + BLOCK + key + "' is out of range: " + value);
        }
        return value.intValue();
    }

    private static Long whole(Map<?, ?> block, String key, String source) {
        Object value = block.get(key);
        if (value == null) {
            return null;
        }
        if (value instanceof Integer || value instanceof Long) {
            return ((Number) value).longValue();
        }
        try {
            return Long.parseLong(String.valueOf(value).replace("_", ""));
        } catch (NumberFormatException e) {
            throw error(source, "'" + BLOCK + key + "' must be a whole number, was '" + value + "'");
        }
    }

    private static Double decimal(Map<?, ?> block, String key, String source) {
        Object value = block.get(key);
        if (value == null) {
            return null;
        }
        if (value instanceof Number number) {
            return number.doubleValue();
        }
        try {
            return Double.parseDouble(String.valueOf(value));
        } catch (NumberFormatException e) {
            throw error(source, "'" + BLOCK + key + "' must be a number, was '" + value + "'");
        }
    }
}
