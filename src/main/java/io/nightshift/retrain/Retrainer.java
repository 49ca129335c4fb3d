package io.nightshift.retrain;

import static java.util.Objects.requireNonNull;

import io.nightshift.storage.Storage;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains a model as a {@link TrainingSpec} says: reads the training data from storage, splits it, trains the chosen
 * family and measures it on both sides of the split. What a retraining job calls; publishing the model directory and
 * deciding whether it replaces the current model are the caller's.
 */
public final class Retrainer {

    private static final Logger log = LoggerFactory.getLogger(Retrainer.class);

    private final Storage storage;

    public Retrainer(Storage storage) {
        this.storage = requireNonNull(storage, "storage is null");
    }

    /**
     * @throws TrainingException if the data cannot be read or trained on (configuration), or the store did not answer
     *     (relaunchable)
     */
    public TrainingResult train(TrainingSpec spec) {
        requireNonNull(spec, "spec is null");
        return train(spec, read(spec));
    }

    /** Reads the training data a spec names, with its features listed or chosen by prefix. */
    public TrainingData read(TrainingSpec spec) {
        requireNonNull(spec, "spec is null");
        return spec.featurePrefix() != null
                ? TrainingData.readWithFeaturePrefix(storage, spec.data(), spec.featurePrefix(), spec.label())
                : TrainingData.read(storage, spec.data(), spec.features(), spec.label());
    }

    /** Trains on data already read (for {@code spec}'s features and label): split by the spec's fraction and seed. */
    public TrainingResult train(TrainingSpec spec, TrainingData data) {
        requireNonNull(spec, "spec is null");
        requireNonNull(data, "data is null");
        TrainingData.Split split = data.split(spec.validationFraction(), spec.seed());
        long started = System.nanoTime();
        TrainedModel model;
        try {
            model = spec.trainer().train(split.train(), split.validation());
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw TrainingException.configuration("Cannot train " + spec.family().specName() + " on " + spec.data() + ": "
                    + e.getMessage(), e);
        }
        long trainingMillis = (System.nanoTime() - started) / 1_000_000;
        ClassificationMetrics train = ClassificationMetrics.of(model.probabilities(split.train().features()), split.train().labels());
        ClassificationMetrics validation = ClassificationMetrics.of(model.probabilities(split.validation().features()),
                split.validation().labels());
        log.info("Trained {} on {} rows ({} validation) of {} in {} ms: validation log loss {}, ROC AUC {}, accuracy {}",
                model.family(), split.train().rows(), split.validation().rows(), spec.data(), trainingMillis,
                String.format(Locale.ROOT, "%.4f", validation.logLoss()),
                String.format(Locale.ROOT, "%.4f", validation.rocAuc()),
                String.format(Locale.ROOT, "%.4f", validation.accuracy()));
        return new TrainingResult(spec, model, data.rows().featureNames(), data.reference(), data.skipped(), train, validation,
                trainingMillis);
    }
}
