package io.nightshift.retrain;

import static java.util.Objects.requireNonNull;

import io.nightshift.model.onnx.DenseLayer;
import io.nightshift.model.onnx.OnnxModelWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A fitted multi-layer perceptron over standardized features {@code (x - mean) / scale}: ReLU after every layer but
 * the last, a sigmoid after the last, which has one output (the probability of label 1).
 *
 * @param epochsRun passes over the training rows made before training stopped
 * @param bestEpoch the pass (1-based) whose weights these are: the one with the lowest validation log loss
 * @param validationLogLossByEpoch validation log loss after each pass, {@code epochsRun} values
 */
public record TrainedPerceptron(float[] mean, float[] scale, List<DenseLayer> layers, int epochsRun, int bestEpoch,
        List<Double> validationLogLossByEpoch) implements TrainedModel {

    /** The family's name in job specs. */
    public static final String FAMILY = "mlp";

    public TrainedPerceptron {
        requireNonNull(mean, "mean is null");
        requireNonNull(scale, "scale is null");
        layers = List.copyOf(requireNonNull(layers, "layers is null"));
        validationLogLossByEpoch = List.copyOf(requireNonNull(validationLogLossByEpoch, "validationLogLossByEpoch is null"));
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("A perceptron needs at least one layer");
        }
        if (mean.length != layers.getFirst().inputs() || scale.length != mean.length) {
            throw new IllegalArgumentException("mean and scale must have one value per input of the first layer ("
                    + layers.getFirst().inputs() + "), got " + mean.length + " and " + scale.length);
        }
        for (int index = 1; index < layers.size(); index++) {
            if (layers.get(index).inputs() != layers.get(index - 1).outputs()) {
                throw new IllegalArgumentException("Layer " + index + " takes " + layers.get(index).inputs()
                        + " inputs but layer " + (index - 1) + " gives " + layers.get(index - 1).outputs());
            }
        }
        if (layers.getLast().outputs() != 1) {
            throw new IllegalArgumentException("The last layer must have one output, got " + layers.getLast().outputs());
        }
        for (int column = 0; column < scale.length; column++) {
            if (!(scale[column] > 0) || !Float.isFinite(scale[column])) {
                throw new IllegalArgumentException("scale of feature " + column + " must be positive and finite, got " + scale[column]);
            }
        }
        if (epochsRun < 1 || bestEpoch < 1 || bestEpoch > epochsRun || validationLogLossByEpoch.size() != epochsRun) {
            throw new IllegalArgumentException("Need 1 <= bestEpoch (" + bestEpoch + ") <= epochsRun (" + epochsRun
                    + ") and one validation log loss per epoch, got " + validationLogLossByEpoch.size());
        }
        mean = mean.clone();
        scale = scale.clone();
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
    public String family() {
        return FAMILY;
    }

    @Override
    public int width() {
        return mean.length;
    }

    /** Sizes from input to output, e.g. {@code [8, 32, 16, 1]}. */
    public List<Integer> layerSizes() {
        List<Integer> sizes = new ArrayList<>();
        sizes.add(width());
        layers.forEach(layer -> sizes.add(layer.outputs()));
        return List.copyOf(sizes);
    }

    @Override
    public double[] probabilities(float[] rawFeatures) {
        requireNonNull(rawFeatures, "rawFeatures is null");
        int width = width();
        if (rawFeatures.length % width != 0) {
            throw new IllegalArgumentException("Model takes rows of " + width + " features, got " + rawFeatures.length + " values");
        }
        int rows = rawFeatures.length / width;
        double[] probabilities = new double[rows];
        int widest = layers.stream().mapToInt(DenseLayer::outputs).max().orElse(1);
        double[] input = new double[Math.max(width, widest)];
        double[] output = new double[Math.max(width, widest)];
        for (int row = 0; row < rows; row++) {
            for (int column = 0; column < width; column++) {
                input[column] = (rawFeatures[row * width + column] - (double) mean[column]) / scale[column];
            }
            int inputs = width;
            for (int index = 0; index < layers.size(); index++) {
                DenseLayer layer = layers.get(index);
                for (int unit = 0; unit < layer.outputs(); unit++) {
                    double sum = layer.bias(unit);
                    for (int from = 0; from < inputs; from++) {
                        sum += input[from] * layer.weight(from, unit);
                    }
                    output[unit] = index < layers.size() - 1 ? Math.max(0, sum) : sum;
                }
                inputs = layer.outputs();
                double[] swap = input;
                input = output;
                output = swap;
            }
            probabilities[row] = PerceptronTrainer.sigmoid(input[0]);
        }
        return probabilities;
    }

    /** {@code Gemm} per layer, {@code Relu} between layers, {@code Sigmoid} at the end; {@code model.yaml} carries mean and scale. */
    @Override
    public byte[] toOnnx(String inputName, String outputName, Map<String, String> metadata) {
        return OnnxModelWriter.multiLayerPerceptron(layers, inputName, outputName, metadata);
    }
}
