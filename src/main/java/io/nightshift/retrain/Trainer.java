package io.nightshift.retrain;

/** Fits one family of binary classifier; the same rows and settings always give the same model. */
public interface Trainer {

    /**
     * Trains on {@code train}; {@code validation} (the same features, disjoint rows) may steer training, e.g. early
     * stopping, but is never fitted.
     */
    TrainedModel train(LabeledRows train, LabeledRows validation);
}
