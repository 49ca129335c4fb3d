package io.nightshift.model.onnx;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One fully connected layer of a perceptron: {@code y = x · weights + bias}.
 *
 * <p>Weights are row-major {@code [inputs × outputs]}, the layout ONNX {@code Gemm} expects for its
 * {@code B} input without transposition, so they go into the model as they are.
 */
public record DenseLayer(int inputs, int outputs, float[] weights, float[] bias) {

    public DenseLayer {
        requireNonNull(weights, "weights is null");
        requireNonNull(bias, "bias is null");
        if (inputs < 1 || outputs < 1) {
            throw new IllegalArgumentException("Layer must have at least one input and one output, got " + inputs + " × " + outputs);
        }
        if (weights.length != inputs * outputs) {
            throw new IllegalArgumentException("Layer of " + inputs + " × " + outputs + " needs " + inputs * outputs
                    + " weights, got " + weights.length);
        }
        if (bias.length != outputs) {
            throw new IllegalArgumentException("Layer with " + outputs + " outputs needs " + outputs + " biases, got " + bias.length);
        }
        // Copies: a caller mutating its array must not change a model that has already been described.
        weights = weights.clone();
        bias = bias.clone();
    }

    @Override
    public float[] weights() {
        return weights.clone();
    }

    @Override
    public float[] bias() {
        return bias.clone();
    }

    /** The weight from input {@code input} to output {@code output}, without copying the array. */
    public float weight(int input, int output) {
        return weights[input * outputs + output];
    }

    /** The bias of output {@code output}, without copying the array. */
    public float bias(int output) {
        return bias[output];
    }

    /**
     * Deterministic layers for {@code layerSizes} (e.g. {@code {30, 256, 256, 1}}): Glorot-uniform weights so
     * activations neither vanish nor saturate through a few layers, and small non-zero biases so a model that
     * dropped its bias would score differently. The same sizes and seed always give the same layers.
     */
    public static List<DenseLayer> seeded(int[] layerSizes, long seed) {
        requireNonNull(layerSizes, "layerSizes is null");
        if (layerSizes.length < 2) {
            throw new IllegalArgumentException("A perceptron needs at least an input and an output size, got " + layerSizes.length + " sizes");
        }
        SplittableRandom random = new SplittableRandom(seed);
        List<DenseLayer> layers = new ArrayList<>(layerSizes.length - 1);
        for (int layer = 0; layer + 1 < layerSizes.length; layer++) {
            int inputs = layerSizes[layer];
            int outputs = layerSizes[layer + 1];
            if (inputs < 1 || outputs < 1) {
                throw new IllegalArgumentException("Layer sizes must be positive, got " + inputs + " → " + outputs);
            }
            double limit = Math.sqrt(6.0 / (inputs + outputs));
            float[] weights = new float[inputs * outputs];
            for (int index = 0; index < weights.length; index++) {
                weights[index] = (float) random.nextDouble(-limit, limit);
            }
            float[] bias = new float[outputs];
            for (int index = 0; index < bias.length; index++) {
                bias[index] = (float) random.nextDouble(-0.1, 0.1);
            }
            layers.add(new DenseLayer(inputs, outputs, weights, bias));
        }
        return List.copyOf(layers);
    }
}
