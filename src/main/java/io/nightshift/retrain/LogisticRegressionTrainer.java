package io.nightshift.retrain;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;

/**
 * Fits a logistic regression in plain Java, small enough to retrain a champion/challenger model inside a batch
 * job without an ML library.
 *
 * <p>Features are standardized first (mean 0, scale 1; a constant feature keeps scale 1) so one L2 strength
 * means the same for every feature and Newton's method is well conditioned. The fit is Newton–Raphson (IRLS) on
 * the mean log loss plus {@code l2 / 2 · |w|²} (the bias is not penalized): with at most a few dozen features the
 * Hessian is tiny and about ten full passes over the data converge, where gradient descent needs hundreds.
 * A step that does not lower the penalized loss is halved, which keeps nearly separable data from diverging.
 */
public final class LogisticRegressionTrainer implements Trainer {

    /** Largest width trained: the Hessian is {@code (width + 1)²} and is rebuilt on every pass. */
    public static final int MAX_WIDTH = 256;
    public static final double DEFAULT_L2 = 1e-4;
    public static final int DEFAULT_MAX_ITERATIONS = 50;
    public static final double DEFAULT_TOLERANCE = 1e-7;

    private static final int MAX_STEP_HALVINGS = 30;

    private final double l2;
    private final int maxIterations;
    private final double tolerance;

    public LogisticRegressionTrainer() {
        this(DEFAULT_L2, DEFAULT_MAX_ITERATIONS, DEFAULT_TOLERANCE);
    }

    /**
     * @param l2 strength of the L2 penalty on standardized weights; positive, so the Hessian stays invertible
     *        even for collinear or separable data
     * @param maxIterations most Newton steps taken
     * @param tolerance training stops once no weight moves by more than this in one step
     */
    public LogisticRegressionTrainer(double l2, int maxIterations, double tolerance) {
        if (!(l2 > 0) || !Double.isFinite(l2)) {
            throw new IllegalArgumentException("l2 must be positive and finite, got " + l2);
        }
        if (maxIterations < 1) {
            throw new IllegalArgumentException("maxIterations must be at least 1, got " + maxIterations);
        }
        if (!(tolerance > 0)) {
            throw new IllegalArgumentException("tolerance must be positive, got " + tolerance);
        }
        this.l2 = l2;
        this.maxIterations = maxIterations;
        this.tolerance = tolerance;
    }

    /** Trains on {@code train}; Newton's method needs no early stopping, so {@code validation} is not used. */
    @Override
    public TrainedLogisticRegression train(LabeledRows train, LabeledRows validation) {
        requireNonNull(train, "train is null");
        return train(train.features(), train.labels(), train.width());
    }

    /**
     * Trains on {@code labels.length} rows of {@code width} features each.
     *
     * @param rowMajorFeatures {@code rows × width} finite values, row after row
     * @param labels 0 or 1 per row
     */
    public TrainedLogisticRegression train(float[] rowMajorFeatures, int[] labels, int width) {
        requireNonNull(rowMajorFeatures, "rowMajorFeatures is null");
        requireNonNull(labels, "labels is null");
        if (width < 1 || width > MAX_WIDTH) {
            throw new IllegalArgumentException("width must be between 1 and " + MAX_WIDTH + ", got " + width);
        }
        int rows = labels.length;
        if (rows == 0) {
            throw new IllegalArgumentException("Cannot train on zero rows");
        }
        if ((long) rows * width != rowMajorFeatures.length) {
            throw new IllegalArgumentException("Cannot train: " + rows + " labels × " + width + " features needs "
                    + (long) rows * width + " values, got " + rowMajorFeatures.length);
        }
        validate(rowMajorFeatures, labels, width);

        Standardization standardization = Standardization.of(rowMajorFeatures, rows, width);
        double[] standardized = standardization.apply(rowMajorFeatures, width);

        // Parameters: weights 0..width-1, then the bias at index width.
        int size = width + 1;
        double[] parameters = new double[size];
        parameters[width] = initialBias(labels);
        double loss = penalizedLoss(standardized, labels, width, parameters);
        double[] gradient = new double[size];
        double[] hessian = new double[size * size];
        double[] candidate = new double[size];
        int iterations = 0;
        while (iterations < maxIterations) {
            gradientAndHessian(standardized, labels, width, parameters, gradient, hessian);
            double[] step = solveSymmetricPositiveDefinite(hessian, gradient, size);
            double stepLength = 1;
            double candidateLoss = Double.POSITIVE_INFINITY;
            for (int halving = 0; halving <= MAX_STEP_HALVINGS; halving++) {
                for (int index = 0; index < size; index++) {
                    candidate[index] = parameters[index] - stepLength * step[index];
                }
                candidateLoss = penalizedLoss(standardized, labels, width, candidate);
                if (candidateLoss <= loss) {
                    break;
                }
                stepLength /= 2;
            }
            iterations++;
            if (!(candidateLoss <= loss)) {
                break; // no step lowers the loss any more: at the optimum up to rounding
            }
            double largestMove = 0;
            for (int index = 0; index < size; index++) {
                largestMove = Math.max(largestMove, Math.abs(candidate[index] - parameters[index]));
            }
            System.arraycopy(candidate, 0, parameters, 0, size);
            loss = candidateLoss;
            if (largestMove < tolerance) {
                break;
            }
        }

        float[] weights = new float[width];
        for (int column = 0; column < width; column++) {
            weights[column] = (float) parameters[column];
        }
        double logLoss = loss - penalty(parameters, width);
        return new TrainedLogisticRegression(standardization.floatMean(), standardization.floatScale(), weights,
                (float) parameters[width], iterations, logLoss);
    }

    private static void validate(float[] features, int[] labels, int width) {
        for (int index = 0; index < features.length; index++) {
            if (!Float.isFinite(features[index])) {
                throw new IllegalArgumentException("Cannot train: feature " + index % width + " of row " + index / width
                        + " is " + features[index] + "; drop or impute such rows first");
            }
        }
        for (int row = 0; row < labels.length; row++) {
            if (labels[row] != 0 && labels[row] != 1) {
                throw new IllegalArgumentException("Cannot train: label of row " + row + " is " + labels[row] + ", not 0 or 1");
            }
        }
    }

    // Starting at the base-rate log-odds instead of 0 saves a Newton step or two on imbalanced labels.
    private static double initialBias(int[] labels) {
        long positives = 0;
        for (int label : labels) {
            positives += label;
        }
        double rate = (positives + 0.5) / (labels.length + 1.0);
        return Math.log(rate / (1 - rate));
    }

    private double penalizedLoss(double[] features, int[] labels, int width, double[] parameters) {
        double sum = 0;
        for (int row = 0; row < labels.length; row++) {
            double logit = logit(features, row, width, parameters);
            // log(1 + e^z) - y·z, computed without overflow for large |z|
            sum += Math.max(logit, 0) + Math.log1p(Math.exp(-Math.abs(logit))) - labels[row] * logit;
        }
        return sum / labels.length + penalty(parameters, width);
    }

    private double penalty(double[] parameters, int width) {
        double squares = 0;
        for (int column = 0; column < width; column++) {
            squares += parameters[column] * parameters[column];
        }
        return l2 / 2 * squares;
    }

    private void gradientAndHessian(double[] features, int[] labels, int width, double[] parameters, double[] gradient,
            double[] hessian) {
        int size = width + 1;
        Arrays.fill(gradient, 0);
        Arrays.fill(hessian, 0);
        double[] extended = new double[size];
        extended[width] = 1;
        for (int row = 0; row < labels.length; row++) {
            System.arraycopy(features, row * width, extended, 0, width);
            double probability = sigmoid(logit(features, row, width, parameters));
            double residual = probability - labels[row];
            double curvature = probability * (1 - probability);
            for (int i = 0; i < size; i++) {
                double weighted = curvature * extended[i];
                gradient[i] += residual * extended[i];
                int rowOffset = i * size;
                for (int j = i; j < size; j++) {
                    hessian[rowOffset + j] += weighted * extended[j];
                }
            }
        }
        double rows = labels.length;
        for (int i = 0; i < size; i++) {
            gradient[i] = gradient[i] / rows + (i < width ? l2 * parameters[i] : 0);
            for (int j = i; j < size; j++) {
                double value = hessian[i * size + j] / rows + (i == j && i < width ? l2 : 0);
                hessian[i * size + j] = value;
                hessian[j * size + i] = value;
            }
        }
        // The bias is unpenalized: if every row is predicted with certainty its curvature is 0. A tiny ridge keeps
        // the factorization defined without moving the optimum measurably.
        hessian[width * size + width] += 1e-12;
    }

    private static double logit(double[] features, int row, int width, double[] parameters) {
        double logit = parameters[width];
        int offset = row * width;
        for (int column = 0; column < width; column++) {
            logit += features[offset + column] * parameters[column];
        }
        return logit;
    }

    private static double sigmoid(double logit) {
        return logit >= 0 ? 1 / (1 + Math.exp(-logit)) : Math.exp(logit) / (1 + Math.exp(logit));
    }

    /** Solves {@code A x = b} by Cholesky factorization; {@code A} is symmetric positive definite by construction. */
    private static double[] solveSymmetricPositiveDefinite(double[] matrix, double[] rightHandSide, int size) {
        double[] lower = new double[size * size];
        for (int i = 0; i < size; i++) {
            for (int j = 0; j <= i; j++) {
                double sum = matrix[i * size + j];
                for (int k = 0; k < j; k++) {
                    sum -= lower[i * size + k] * lower[j * size + k];
                }
                if (i == j) {
                    if (!(sum > 0)) {
                        throw new ArithmeticException("Cannot train: Hessian is not positive definite at feature " + i
                                + " (pivot " + sum + ")");
                    }
                    lower[i * size + i] = Math.sqrt(sum);
                } else {
                    lower[i * size + j] = sum / lower[j * size + j];
                }
            }
        }
        double[] forward = new double[size];
        for (int i = 0; i < size; i++) {
            double sum = rightHandSide[i];
            for (int k = 0; k < i; k++) {
                sum -= lower[i * size + k] * forward[k];
            }
            forward[i] = sum / lower[i * size + i];
        }
        double[] solution = new double[size];
        for (int i = size - 1; i >= 0; i--) {
            double sum = forward[i];
            for (int k = i + 1; k < size; k++) {
                sum -= lower[k * size + i] * solution[k];
            }
            solution[i] = sum / lower[i * size + i];
        }
        return solution;
    }
}
