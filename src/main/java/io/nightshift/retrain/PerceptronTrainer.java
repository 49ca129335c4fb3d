package io.nightshift.retrain;

import static java.util.Objects.requireNonNull;

import io.nightshift.model.onnx.DenseLayer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Fits a multi-layer perceptron in plain Java: ReLU hidden layers, one sigmoid output, mean binary cross-entropy plus
 * {@code l2 / 2 · |W|²} (weights only, not biases), mini-batch Adam, early stopping on validation log loss.
 *
 * <p>Deterministic for a seed, bit for bit: one thread, a fixed order of every sum, {@link SplittableRandom} for the
 * initial weights and the per-epoch shuffles, and {@link StrictMath} for the transcendental functions ({@link Math}
 * may use platform intrinsics whose last bit differs between machines and JVM versions). Parameters are kept in double and
 * rounded to float only for export.
 */
public final class PerceptronTrainer implements Trainer {

    public static final List<Integer> DEFAULT_HIDDEN = List.of(32, 16);
    public static final int DEFAULT_EPOCHS = 50;
    public static final double DEFAULT_LEARNING_RATE = 0.003;
    public static final double DEFAULT_L2 = 1e-4;
    public static final int DEFAULT_BATCH_SIZE = 64;
    public static final int DEFAULT_PATIENCE = 5;
    /** Widest hidden layer trained: beyond it a pure-Java trainer is the wrong tool. */
    public static final int MAX_UNITS = 1024;
    /** Width at which training stops being reasonable for a single thread without SIMD. */
    public static final int MAX_WIDTH = 4096;

    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final double EPSILON = 1e-8;
    /** An epoch counts as better only if it lowers validation log loss by more than this: rounding is no progress. */
    private static final double MIN_IMPROVEMENT = 1e-6;

    private final int[] hidden;
    private final int epochs;
    private final double learningRate;
    private final double l2;
    private final int batchSize;
    private final int patience;
    private final long seed;

    public PerceptronTrainer(long seed) {
        this(DEFAULT_HIDDEN, DEFAULT_EPOCHS, DEFAULT_LEARNING_RATE, DEFAULT_L2, DEFAULT_BATCH_SIZE, DEFAULT_PATIENCE, seed);
    }

    /**
     * @param hidden units per hidden layer, input side first; empty gives a logistic regression trained by Adam
     * @param epochs most passes over the training rows
     * @param learningRate Adam's step size
     * @param l2 strength of the L2 penalty on (standardized-input) weights; 0 for none
     * @param batchSize rows per Adam step
     * @param patience passes without a lower validation log loss before training stops
     * @param seed seeds the initial weights and the order rows are visited in
     */
    public PerceptronTrainer(List<Integer> hidden, int epochs, double learningRate, double l2, int batchSize, int patience,
            long seed) {
        requireNonNull(hidden, "hidden is null");
        this.hidden = new int[hidden.size()];
        for (int index = 0; index < hidden.size(); index++) {
            Integer units = requireNonNull(hidden.get(index), "hidden size is null");
            if (units < 1 || units > MAX_UNITS) {
                throw new IllegalArgumentException("hidden layer sizes must be between 1 and " + MAX_UNITS + ", got " + hidden);
            }
            this.hidden[index] = units;
        }
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be at least 1, got " + epochs);
        }
        if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
            throw new IllegalArgumentException("learningRate must be positive and finite, got " + learningRate);
        }
        if (!(l2 >= 0) || !Double.isFinite(l2)) {
            throw new IllegalArgumentException("l2 must be zero or positive and finite, got " + l2);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1, got " + batchSize);
        }
        if (patience < 1) {
            throw new IllegalArgumentException("patience must be at least 1, got " + patience);
        }
        this.epochs = epochs;
        this.learningRate = learningRate;
        this.l2 = l2;
        this.batchSize = batchSize;
        this.patience = patience;
        this.seed = seed;
    }

    @Override
    public TrainedPerceptron train(LabeledRows train, LabeledRows validation) {
        requireNonNull(train, "train is null");
        requireNonNull(validation, "validation is null");
        if (train.rows() == 0) {
            throw new IllegalArgumentException("Cannot train on zero rows");
        }
        if (validation.rows() == 0) {
            throw new IllegalArgumentException("Cannot train a perceptron without validation rows: early stopping needs them");
        }
        if (!validation.featureNames().equals(train.featureNames())) {
            throw new IllegalArgumentException("Validation features " + validation.featureNames() + " differ from training features "
                    + train.featureNames());
        }
        int width = train.width();
        if (width > MAX_WIDTH) {
            throw new IllegalArgumentException("width must be at most " + MAX_WIDTH + ", got " + width);
        }
        Standardization standardization = Standardization.of(train.features(), train.rows(), width);
        double[] trainFeatures = standardization.apply(train.features(), width);
        double[] validationFeatures = standardization.apply(validation.features(), width);

        Network network = new Network(layerSizes(width), new SplittableRandom(seed));
        network.initialBias(train.labels());
        SplittableRandom shuffling = new SplittableRandom(seed).split();
        double[] best = network.parameters.clone();
        double bestLoss = network.logLoss(validationFeatures, validation.labels());
        int bestEpoch = 0;
        List<Double> history = new ArrayList<>();
        int[] order = new int[train.rows()];
        for (int row = 0; row < order.length; row++) {
            order[row] = row;
        }
        Batch batch = new Batch(network, Math.min(batchSize, train.rows()));
        int epoch = 0;
        while (epoch < epochs) {
            epoch++;
            shuffle(order, shuffling);
            for (int start = 0; start < order.length; start += batchSize) {
                int size = Math.min(batchSize, order.length - start);
                batch.step(trainFeatures, train.labels(), order, start, size);
            }
            double loss = network.logLoss(validationFeatures, validation.labels());
            if (!Double.isFinite(loss)) {
                throw new ArithmeticException("Cannot train: validation log loss became " + loss + " in epoch " + epoch
                        + "; lower the learning rate");
            }
            history.add(loss);
            if (loss < bestLoss - MIN_IMPROVEMENT) {
                bestLoss = loss;
                bestEpoch = epoch;
                System.arraycopy(network.parameters, 0, best, 0, best.length);
            } else if (epoch - Math.max(bestEpoch, 1) >= patience) {
                break;
            }
        }
        // The initial weights are never the answer: if no epoch improved on them, keep the weights training ended with.
        if (bestEpoch == 0) {
            bestEpoch = epoch;
            best = network.parameters.clone();
        }
        return new TrainedPerceptron(standardization.floatMean(), standardization.floatScale(), network.layers(best), epoch,
                bestEpoch, history);
    }

    private int[] layerSizes(int width) {
        int[] sizes = new int[hidden.length + 2];
        sizes[0] = width;
        System.arraycopy(hidden, 0, sizes, 1, hidden.length);
        sizes[sizes.length - 1] = 1;
        return sizes;
    }

    private static void shuffle(int[] order, SplittableRandom random) {
        for (int index = order.length - 1; index > 0; index--) {
            int other = random.nextInt(index + 1);
            int swap = order[index];
            order[index] = order[other];
            order[other] = swap;
        }
    }

    static double sigmoid(double logit) {
        return logit >= 0 ? 1 / (1 + StrictMath.exp(-logit)) : StrictMath.exp(logit) / (1 + StrictMath.exp(logit));
    }

    /** Weights and biases of every layer in one array: layer l's weights {@code [in × out]} row-major, then its biases. */
    private static final class Network {
        final int[] sizes;
        final int[] weightOffsets;
        final int[] biasOffsets;
        final double[] parameters;

        Network(int[] sizes, SplittableRandom random) {
            this.sizes = sizes;
            int layers = sizes.length - 1;
            weightOffsets = new int[layers];
            biasOffsets = new int[layers];
            int offset = 0;
            for (int layer = 0; layer < layers; layer++) {
                weightOffsets[layer] = offset;
                offset += sizes[layer] * sizes[layer + 1];
                biasOffsets[layer] = offset;
                offset += sizes[layer + 1];
            }
            parameters = new double[offset];
            for (int layer = 0; layer < layers; layer++) {
                // He initialisation: keeps the variance of ReLU activations from shrinking or growing layer by layer.
                double deviation = Math.sqrt(2.0 / sizes[layer]);
                for (int index = 0; index < sizes[layer] * sizes[layer + 1]; index++) {
                    parameters[weightOffsets[layer] + index] = deviation * random.nextGaussian();
                }
            }
        }

        int layerCount() {
            return sizes.length - 1;
        }

        /** Output bias at the base-rate log-odds: the first steps then learn structure, not the base rate. */
        void initialBias(int[] labels) {
            long positives = 0;
            for (int label : labels) {
                positives += label;
            }
            double rate = (positives + 0.5) / (labels.length + 1.0);
            parameters[biasOffsets[layerCount() - 1]] = StrictMath.log(rate / (1 - rate));
        }

        /** {@code out[row, o] = activation(b[o] + Σ in[row, i] · W[i, o])} for {@code rows} rows; ReLU unless last. */
        void forward(int layer, double[] in, double[] out, int rows) {
            int inputs = sizes[layer];
            int outputs = sizes[layer + 1];
            int weights = weightOffsets[layer];
            int biases = biasOffsets[layer];
            boolean last = layer == layerCount() - 1;
            for (int row = 0; row < rows; row++) {
                int outRow = row * outputs;
                System.arraycopy(parameters, biases, out, outRow, outputs);
                int inRow = row * inputs;
                for (int from = 0; from < inputs; from++) {
                    double value = in[inRow + from];
                    if (value == 0) {
                        continue; // ReLU zeros contribute nothing; skipping them is exact
                    }
                    int weightRow = weights + from * outputs;
                    for (int to = 0; to < outputs; to++) {
                        out[outRow + to] += value * parameters[weightRow + to];
                    }
                }
                if (!last) {
                    for (int to = 0; to < outputs; to++) {
                        out[outRow + to] = Math.max(0, out[outRow + to]);
                    }
                }
            }
        }

        /** Mean log loss of {@code features} (standardized), in chunks so memory stays bounded. */
        double logLoss(double[] features, int[] labels) {
            int width = sizes[0];
            int chunk = 1024;
            double[][] activations = activations(chunk);
            double sum = 0;
            for (int start = 0; start < labels.length; start += chunk) {
                int rows = Math.min(chunk, labels.length - start);
                System.arraycopy(features, start * width, activations[0], 0, rows * width);
                for (int layer = 0; layer < layerCount(); layer++) {
                    forward(layer, activations[layer], activations[layer + 1], rows);
                }
                double[] logits = activations[layerCount()];
                for (int row = 0; row < rows; row++) {
                    sum += rowLogLoss(logits[row], labels[start + row]);
                }
            }
            return sum / labels.length;
        }

        double[][] activations(int rows) {
            double[][] activations = new double[sizes.length][];
            for (int layer = 0; layer < sizes.length; layer++) {
                activations[layer] = new double[rows * sizes[layer]];
            }
            return activations;
        }

        List<DenseLayer> layers(double[] values) {
            List<DenseLayer> layers = new ArrayList<>(layerCount());
            for (int layer = 0; layer < layerCount(); layer++) {
                int inputs = sizes[layer];
                int outputs = sizes[layer + 1];
                float[] weights = new float[inputs * outputs];
                for (int index = 0; index < weights.length; index++) {
                    weights[index] = (float) values[weightOffsets[layer] + index];
                }
                float[] biases = new float[outputs];
                for (int index = 0; index < outputs; index++) {
                    biases[index] = (float) values[biasOffsets[layer] + index];
                }
                layers.add(new DenseLayer(inputs, outputs, weights, biases));
            }
            return List.copyOf(layers);
        }
    }

    /** {@code log(1 + e^z) - y·z}: the log loss of logit z, without overflow for large |z|. */
    static double rowLogLoss(double logit, int label) {
        return Math.max(logit, 0) + StrictMath.log1p(StrictMath.exp(-Math.abs(logit))) - label * logit;
    }

    /** One mini-batch's buffers and Adam's state; reused for every step. */
    private final class Batch {
        private final Network network;
        private final double[][] activations;
        private final double[][] deltas;
        private final double[] gradient;
        private final double[] firstMoment;
        private final double[] secondMoment;
        private long steps;

        Batch(Network network, int capacity) {
            this.network = network;
            this.activations = network.activations(capacity);
            this.deltas = network.activations(capacity);
            this.gradient = new double[network.parameters.length];
            this.firstMoment = new double[gradient.length];
            this.secondMoment = new double[gradient.length];
        }

        void step(double[] features, int[] labels, int[] order, int start, int rows) {
            int width = network.sizes[0];
            int layers = network.layerCount();
            for (int row = 0; row < rows; row++) {
                System.arraycopy(features, order[start + row] * width, activations[0], row * width, width);
            }
            for (int layer = 0; layer < layers; layer++) {
                network.forward(layer, activations[layer], activations[layer + 1], rows);
            }
            // d(mean log loss)/d(logit) = (p - y) / rows
            double[] outputDelta = deltas[layers];
            for (int row = 0; row < rows; row++) {
                outputDelta[row] = (sigmoid(activations[layers][row]) - labels[order[start + row]]) / rows;
            }
            Arrays.fill(gradient, 0);
            for (int layer = layers - 1; layer >= 0; layer--) {
                backward(layer, rows);
            }
            double[] parameters = network.parameters;
            for (int layer = 0; layer < layers; layer++) {
                int from = network.weightOffsets[layer];
                int to = network.biasOffsets[layer];
                for (int index = from; index < to; index++) {
                    gradient[index] += l2 * parameters[index];
                }
            }
            steps++;
            double firstCorrection = 1 - StrictMath.pow(BETA1, steps);
            double secondCorrection = 1 - StrictMath.pow(BETA2, steps);
            for (int index = 0; index < parameters.length; index++) {
                double g = gradient[index];
                firstMoment[index] = BETA1 * firstMoment[index] + (1 - BETA1) * g;
                secondMoment[index] = BETA2 * secondMoment[index] + (1 - BETA2) * g * g;
                double corrected = firstMoment[index] / firstCorrection;
                double spread = Math.sqrt(secondMoment[index] / secondCorrection);
                parameters[index] -= learningRate * corrected / (spread + EPSILON);
            }
        }

        /** Gradients of layer {@code layer}'s weights and biases, and the delta of its input (through the ReLU). */
        private void backward(int layer, int rows) {
            int inputs = network.sizes[layer];
            int outputs = network.sizes[layer + 1];
            int weights = network.weightOffsets[layer];
            int biases = network.biasOffsets[layer];
            double[] parameters = network.parameters;
            double[] in = activations[layer];
            double[] delta = deltas[layer + 1];
            double[] inDelta = deltas[layer];
            boolean propagate = layer > 0;
            for (int row = 0; row < rows; row++) {
                int outRow = row * outputs;
                int inRow = row * inputs;
                for (int to = 0; to < outputs; to++) {
                    gradient[biases + to] += delta[outRow + to];
                }
                for (int from = 0; from < inputs; from++) {
                    double value = in[inRow + from];
                    int weightRow = weights + from * outputs;
                    double back = 0;
                    for (int to = 0; to < outputs; to++) {
                        double d = delta[outRow + to];
                        gradient[weightRow + to] += value * d;
                        back += d * parameters[weightRow + to];
                    }
                    if (propagate) {
                        // ReLU passes the gradient only where its output was positive.
                        inDelta[inRow + from] = value > 0 ? back : 0;
                    }
                }
            }
        }
    }
}
