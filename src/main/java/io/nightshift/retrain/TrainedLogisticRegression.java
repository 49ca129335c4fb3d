package io.nightshift.retrain;

import static java.util.Objects.requireNonNull;

import io.nightshift.model.onnx.OnnxModelWriter;
import java.util.Map;

/**
 * A fitted logistic regression. {@code weights} and {@code bias} apply to standardized features
 * {@code (x - mean) / scale}; {@link #weightsOnRawFeatures()} and {@link #biasOnRawFeatures()} fold the
 * standardization in, giving a model that takes raw features (what an ONNX export without a preprocessing step needs).
 *
 * @param iterations Newton steps taken until convergence
 * @param trainingLogLoss mean log loss on the training rows, without the L2 penalty
 */
public record TrainedLogisticRegression(float[] mean, float[] scale, float[] weights, float bias, int iterations,
        double trainingLogLoss) implements TrainedModel {

    /** The family's name in job specs. */
    public static final String FAMILY = "logistic-regression";

    public TrainedLogisticRegression {
        requireNonNull(mean, "mean is null");
        requireNonNull(scale, "scale is null");
        requireNonNull(weights, "weights is null");
        if (weights.length == 0 || mean.length != weights.length || scale.length != weights.length) {
            throw new IllegalArgumentException("mean, scale and weights must have the same non-zero length, got "
                    + mean.length + ", " + scale.length + " and " + weights.length);
        }
        for (int column = 0; column < scale.length; column++) {
            if (!(scale[column] > 0) || !Float.isFinite(scale[column])) {
                throw new IllegalArgumentException("scale of feature " + column + " must be positive and finite, got " + scale[column]);
            }
        }
        if (iterations < 0) {
            throw new IllegalArgumentException("iterations must not be negative, got " + iterations);
        }
        // Copies: arrays in a record are otherwise shared with whoever built or reads it.
        mean = mean.clone();
        scale = scale.clone();
        weights = weights.clone();
    }

    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public float[] scale() {
        return scale.clone();
    }

    @Override
    public float[] weights() {
        return weights.clone();
    }

    @Override
    public String family() {
        return FAMILY;
    }

    @Override
    public int width() {
        return weights.length;
    }

    /** Weights for raw (unstandardized) features: {@code weights[j] / scale[j]}. */
    public float[] weightsOnRawFeatures() {
        float[] raw = new float[weights.length];
        for (int column = 0; column < raw.length; column++) {
            raw[column] = (float) ((double) weights[column] / scale[column]);
        }
        return raw;
    }

    /** Bias for raw features: {@code bias - Σ weights[j] · mean[j] / scale[j]}. */
    public float biasOnRawFeatures() {
        double raw = bias;
        for (int column = 0; column < weights.length; column++) {
            raw -= (double) weights[column] * mean[column] / scale[column];
        }
        return (float) raw;
    }

    /** Probability of label 1 for one row of raw features. */
    public double probability(float[] rawFeatures) {
        requireNonNull(rawFeatures, "rawFeatures is null");
        if (rawFeatures.length != weights.length) {
            throw new IllegalArgumentException("Model takes " + weights.length + " features, got " + rawFeatures.length);
        }
        double logit = bias;
        for (int column = 0; column < weights.length; column++) {
            logit += weights[column] * ((rawFeatures[column] - (double) mean[column]) / scale[column]);
        }
        return 1 / (1 + Math.exp(-logit));
    }

    @Override
    public double[] probabilities(float[] rawFeatures) {
        requireNonNull(rawFeatures, "rawFeatures is null");
        int width = weights.length;
        if (rawFeatures.length % width != 0) {
            throw new IllegalArgumentException("Model takes rows of " + width + " features, got " + rawFeatures.length + " values");
        }
        double[] probabilities = new double[rawFeatures.length / width];
        float[] row = new float[width];
        for (int index = 0; index < probabilities.length; index++) {
            System.arraycopy(rawFeatures, index * width, row, 0, width);
            probabilities[index] = probability(row);
        }
        return probabilities;
    }

    /** {@code Sigmoid(X · weights + bias)} over standardized features; {@code model.yaml} carries mean and scale. */
    @Override
    public byte[] toOnnx(String inputName, String outputName, Map<String, String> metadata) {
        return OnnxModelWriter.logisticRegression(weights, bias, inputName, outputName, metadata);
    }
}
