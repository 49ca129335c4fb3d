package io.nightshift.gate;

import static java.util.Objects.requireNonNull;

import io.nightshift.model.LoadedModel;

/**
 * What one evaluation needs. The models are loaded by the caller (who maps registry versions to artifacts) and stay
 * open until it closes them; the gate only scores through them.
 *
 * @param candidate the model asking to be promoted
 * @param production the model it would replace, or null for a first model (then only absolute checks apply)
 * @param holdoutUri labelled Parquet rows neither model was trained on: a file, directory or glob, local or s3://
 * @param labelColumn the 0/1 (or boolean) label column of the holdout
 * @param trainingDataUri the candidate's training data, for feature drift; null when the policy has no drift block
 * @param recentDataUri a recent input the model will score, for feature drift; null when the policy has no drift block
 * @param reportDirectory where report.json and report.html are created (they must not exist yet)
 * @param seed the bootstrap's seed (recorded in the report, so the evaluation can be replayed)
 * @param bootstrapResamples at least 1,000 for a 95% interval worth reading
 * @param batchSize rows per inference call when scoring the holdout
 * @param threads threads for the bootstrap
 */
public record GateInputs(LoadedModel candidate, LoadedModel production, String holdoutUri, String labelColumn, GatePolicy policy,
        String trainingDataUri, String recentDataUri, String reportDirectory, long seed, int bootstrapResamples, int batchSize,
        int threads) {

    public static final long DEFAULT_SEED = 20261202L;
    public static final int DEFAULT_THREADS = 2;

    public GateInputs {
        requireNonNull(candidate, "candidate is null");
        requireNonNull(holdoutUri, "holdoutUri is null");
        requireNonNull(labelColumn, "labelColumn is null");
        requireNonNull(policy, "policy is null");
        requireNonNull(reportDirectory, "reportDirectory is null");
        if (bootstrapResamples < 1) {
            throw new IllegalArgumentException("bootstrapResamples must be at least 1, was " + bootstrapResamples);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1, was " + batchSize);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, was " + threads);
        }
        if ((trainingDataUri == null) != (recentDataUri == null)) {
            throw new IllegalArgumentException("feature drift needs both the training data and a recent input, or neither");
        }
    }

    /** Inputs with the defaults: no production, no drift data, seed {@value #DEFAULT_SEED}, 1,000 resamples. */
    public static GateInputs of(LoadedModel candidate, String holdoutUri, String labelColumn, GatePolicy policy, String reportDirectory) {
        return new GateInputs(candidate, null, holdoutUri, labelColumn, policy, null, null, reportDirectory, DEFAULT_SEED,
                PairedBootstrap.DEFAULT_RESAMPLES, HoldoutScorer.DEFAULT_BATCH_SIZE, DEFAULT_THREADS);
    }

    public GateInputs withProduction(LoadedModel newProduction) {
        return new GateInputs(candidate, newProduction, holdoutUri, labelColumn, policy, trainingDataUri, recentDataUri,
                reportDirectory, seed, bootstrapResamples, batchSize, threads);
    }

    public GateInputs withDriftData(String newTrainingDataUri, String newRecentDataUri) {
        return new GateInputs(candidate, production, holdoutUri, labelColumn, policy, newTrainingDataUri, newRecentDataUri,
                reportDirectory, seed, bootstrapResamples, batchSize, threads);
    }

    public GateInputs withBootstrap(long newSeed, int newResamples) {
        return new GateInputs(candidate, production, holdoutUri, labelColumn, policy, trainingDataUri, recentDataUri,
                reportDirectory, newSeed, newResamples, batchSize, threads);
    }

    public GateInputs withBatchSize(int newBatchSize) {
        return new GateInputs(candidate, production, holdoutUri, labelColumn, policy, trainingDataUri, recentDataUri,
                reportDirectory, seed, bootstrapResamples, newBatchSize, threads);
    }

    public GateInputs withThreads(int newThreads) {
        return new GateInputs(candidate, production, holdoutUri, labelColumn, policy, trainingDataUri, recentDataUri,
                reportDirectory, seed, bootstrapResamples, batchSize, newThreads);
    }
}
