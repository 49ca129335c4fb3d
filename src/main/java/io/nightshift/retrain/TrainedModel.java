package io.nightshift.retrain;

import java.util.Map;

/**
 * A binary classifier trained in Java that exports itself as an ONNX graph over standardized features; the
 * standardization ({@link #mean()}, {@link #scale()}) goes into {@code model.yaml}, so preprocessing is versioned with
 * the model and applied by the scoring path, exactly as for any other model directory.
 */
public sealed interface TrainedModel permits TrainedLogisticRegression, TrainedPerceptron {

    /** The family's name as job specs write it ({@code logistic-regression}, {@code mlp}). */
    String family();

    /** Number of features the model takes. */
    int width();

    /** Per-feature mean subtracted before the graph runs. */
    float[] mean();

    /** Per-feature scale divided by before the graph runs; positive. */
    float[] scale();

    /**
     * Probability of label 1 for each of {@code rawFeatures.length / width()} rows of raw (unstandardized) features,
     * computed in double precision from the model's float parameters: the reference the ONNX export is checked against.
     */
    double[] probabilities(float[] rawFeatures);

    /**
     * The model as ONNX bytes: float input {@code [N, width]} of standardized features named {@code inputName}, output
     * {@code [N, 1]} probability of label 1 named {@code outputName}. The same model and metadata give the same bytes.
     */
    byte[] toOnnx(String inputName, String outputName, Map<String, String> metadata);
}
