package io.nightshift.model.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.MalformedModelException;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxModelWriterTests {

    private static final int ROWS = 300;
    private static final double TOLERANCE = 1e-5;
    private static final float[] WEIGHTS = {0.8f, -1.2f, 0.05f, 2.0f, -0.3f, 0f, 0.7f, -0.9f, 1.1f, -0.02f, 0.4f, -1.5f};
    private static final float BIAS = -0.35f;

    @TempDir
    Path directory;

    @Test
    void logisticRegressionScoresLikeThePlainJavaFormula() throws Exception {
        // given
        float[][] rows = randomRows(ROWS, WEIGHTS.length, 1);
        Path model = save(OnnxModelWriter.logisticRegression(WEIGHTS, BIAS, "features", "score", Map.of()));

        // when
        Scored scored = score(model, rows);

        // then
        float[] scores = scored.output("score");
        for (int row = 0; row < ROWS; row++) {
            assertThat((double) scores[row]).as("row %d", row).isCloseTo(sigmoid(logit(rows[row])), within(TOLERANCE));
        }
    }

    @Test
    void logisticRegressionGivesOneScoreColumnPerRow() throws Exception {
        // given
        Path model = save(OnnxModelWriter.logisticRegression(WEIGHTS, BIAS, "features", "score", Map.of()));

        // when
        Scored scored = score(model, randomRows(ROWS, WEIGHTS.length, 2));

        // then
        assertThat(scored.shapes()).containsExactly(Map.entry("score", new Shape(ROWS, 1)));
    }

    @Test
    void logisticRegressionDeclaresAnInputAsWideAsItsWeightsWithASymbolicBatch() throws Exception {
        // given
        byte[] model = OnnxModelWriter.logisticRegression(WEIGHTS, BIAS, "features", "score", Map.of());

        // when: DJL's describeInput() reports names only (shapes are null), so ask ONNX Runtime
        Map<String, long[]> inputShapes = new LinkedHashMap<>();
        try (OrtSession session = OrtEnvironment.getEnvironment().createSession(model, new OrtSession.SessionOptions())) {
            for (Map.Entry<String, NodeInfo> input : session.getInputInfo().entrySet()) {
                inputShapes.put(input.getKey(), ((TensorInfo) input.getValue().getInfo()).getShape());
            }
        }

        // then
        assertThat(inputShapes).containsOnlyKeys("features");
        assertThat(inputShapes.get("features")).containsExactly(-1, WEIGHTS.length);
    }

    @Test
    void djlReportsTheInputByName() throws Exception {
        // given
        Path model = save(OnnxModelWriter.logisticRegression(WEIGHTS, BIAS, "features", "score", Map.of()));

        // when
        List<String> inputNames;
        try (ZooModel<NDList, NDList> loaded = load(model)) {
            inputNames = loaded.describeInput().keys();
        }

        // then
        assertThat(inputNames).containsExactly("features");
    }

    @Test
    void twoOutputModelGivesComplementaryProbabilitiesAndTheLogit() throws Exception {
        // given
        float[][] rows = randomRows(ROWS, WEIGHTS.length, 3);
        Path model = save(OnnxModelWriter.logisticRegressionTwoOutputs(WEIGHTS, BIAS, "features", Map.of()));

        // when
        Scored scored = score(model, rows);

        // then
        float[] probabilities = scored.output(OnnxModelWriter.PROBABILITY_OUTPUT);
        float[] logits = scored.output(OnnxModelWriter.LOGIT_OUTPUT);
        for (int row = 0; row < ROWS; row++) {
            double logit = logit(rows[row]);
            assertThat((double) logits[row]).as("logit of row %d", row).isCloseTo(logit, within(TOLERANCE));
            assertThat((double) probabilities[2 * row]).as("P(0) of row %d", row).isCloseTo(1 - sigmoid(logit), within(TOLERANCE));
            assertThat((double) probabilities[2 * row + 1]).as("P(1) of row %d", row).isCloseTo(sigmoid(logit), within(TOLERANCE));
        }
    }

    @Test
    void twoOutputModelShapesEachOutputByItsColumns() throws Exception {
        // given
        Path model = save(OnnxModelWriter.logisticRegressionTwoOutputs(WEIGHTS, BIAS, "features", Map.of()));

        // when
        Scored scored = score(model, randomRows(ROWS, WEIGHTS.length, 4));

        // then
        assertThat(scored.shapes()).containsOnly(
                Map.entry(OnnxModelWriter.PROBABILITY_OUTPUT, new Shape(ROWS, 2)),
                Map.entry(OnnxModelWriter.LOGIT_OUTPUT, new Shape(ROWS, 1)));
    }

    @Test
    void perceptronScoresLikeThePlainJavaForwardPass() throws Exception {
        // given
        int[] layerSizes = {30, 256, 256, 1};
        List<DenseLayer> layers = DenseLayer.seeded(layerSizes, 42);
        float[][] rows = randomRows(ROWS, 30, 5);
        Path model = save(OnnxModelWriter.multiLayerPerceptron(layerSizes, 42, "features", "score", Map.of()));

        // when
        Scored scored = score(model, rows);

        // then
        assertThat(scored.shapes()).containsExactly(Map.entry("score", new Shape(ROWS, 1)));
        float[] scores = scored.output("score");
        for (int row = 0; row < ROWS; row++) {
            assertThat((double) scores[row]).as("row %d", row).isCloseTo(forward(layers, rows[row]), within(TOLERANCE));
        }
    }

    @Test
    void perceptronOutputsAreNotAllTheSame() throws Exception {
        // given: a perceptron whose random weights saturated or died would score every row alike
        Path model = save(OnnxModelWriter.multiLayerPerceptron(new int[] {30, 256, 256, 1}, 7, "features", "score", Map.of()));

        // when
        float[] scores = score(model, randomRows(ROWS, 30, 6)).output("score");

        // then
        double[] sorted = new double[scores.length];
        Arrays.setAll(sorted, index -> scores[index]);
        Arrays.sort(sorted);
        assertThat(sorted[ROWS - 1] - sorted[0]).isGreaterThan(0.05);
    }

    @Test
    void sameLayerSizesAndSeedGiveIdenticalBytes() {
        // when
        byte[] first = OnnxModelWriter.multiLayerPerceptron(new int[] {30, 16, 1}, 9, "features", "score", Map.of("a", "1", "b", "2"));
        byte[] second = OnnxModelWriter.multiLayerPerceptron(new int[] {30, 16, 1}, 9, "features", "score", Map.of("b", "2", "a", "1"));

        // then
        assertThat(first).isEqualTo(second);
    }

    @Test
    void differentSeedsGiveDifferentWeights() {
        // when
        byte[] first = OnnxModelWriter.multiLayerPerceptron(new int[] {30, 16, 1}, 9, "features", "score", Map.of());
        byte[] second = OnnxModelWriter.multiLayerPerceptron(new int[] {30, 16, 1}, 10, "features", "score", Map.of());

        // then
        assertThat(first).isNotEqualTo(second);
    }

    @Test
    void metadataIsReadableAsOnnxCustomMetadata() throws Exception {
        // given
        byte[] model = OnnxModelWriter.logisticRegression(WEIGHTS, BIAS, "features", "score",
                Map.of("model_version", "7", "features", "f00,f01"));

        // when
        Map<String, String> metadata;
        String producer;
        try (OrtSession session = OrtEnvironment.getEnvironment().createSession(model, new OrtSession.SessionOptions())) {
            metadata = session.getMetadata().getCustomMetadata();
            producer = session.getMetadata().getProducerName();
        }

        // then
        assertThat(metadata).containsExactlyInAnyOrderEntriesOf(Map.of("model_version", "7", "features", "f00,f01"));
        assertThat(producer).isEqualTo("nightshift");
    }

    @Test
    void corruptModelFailsToLoadThroughDjlAsMalformedModel() throws Exception {
        // given: a real model cut in half
        byte[] valid = OnnxModelWriter.logisticRegression(WEIGHTS, BIAS, "features", "score", Map.of());
        Path model = save(Arrays.copyOf(valid, valid.length / 2));

        // then
        assertThatThrownBy(() -> load(model).close()).isInstanceOf(MalformedModelException.class);
    }

    @Test
    void bytesThatAreNoModelFailToLoadThroughDjlAsMalformedModel() throws Exception {
        // given
        Path model = save("this is not an onnx model".getBytes(StandardCharsets.UTF_8));

        // then
        assertThatThrownBy(() -> load(model).close()).isInstanceOf(MalformedModelException.class);
    }

    @Test
    void corruptModelFailsToLoadThroughOnnxRuntimeAsOrtException() {
        // given
        byte[] garbage = "this is not an onnx model".getBytes(StandardCharsets.UTF_8);

        // then
        assertThatThrownBy(() -> OrtEnvironment.getEnvironment().createSession(garbage, new OrtSession.SessionOptions()).close())
                .isInstanceOf(OrtException.class);
    }

    @Test
    void rejectsAnOutputNamedLikeTheInput() {
        assertThatThrownBy(() -> OnnxModelWriter.logisticRegression(WEIGHTS, BIAS, "x", "x", Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("x is used twice");
    }

    private Path save(byte[] model) throws Exception {
        Path path = directory.resolve("model-" + System.nanoTime() + ".onnx");
        OnnxModelWriter.write(model, path);
        return path;
    }

    private static ZooModel<NDList, NDList> load(Path model) throws Exception {
        return Criteria.builder()
                .setTypes(NDList.class, NDList.class)
                .optModelPath(model)
                .optEngine("OnnxRuntime")
                .build()
                .loadModel();
    }

    private static Scored score(Path model, float[][] rows) throws Exception {
        float[] flat = new float[rows.length * rows[0].length];
        for (int row = 0; row < rows.length; row++) {
            System.arraycopy(rows[row], 0, flat, row * rows[0].length, rows[0].length);
        }
        try (ZooModel<NDList, NDList> loaded = load(model);
                Predictor<NDList, NDList> predictor = loaded.newPredictor();
                NDManager manager = loaded.getNDManager().newSubManager()) {
            NDList outputs = predictor.predict(new NDList(manager.create(flat, new Shape(rows.length, rows[0].length))));
            Map<String, float[]> values = new LinkedHashMap<>();
            Map<String, Shape> shapes = new LinkedHashMap<>();
            outputs.forEach(array -> {
                values.put(array.getName(), array.toFloatArray());
                shapes.put(array.getName(), array.getShape());
            });
            outputs.close();
            return new Scored(values, shapes);
        }
    }

    private record Scored(Map<String, float[]> values, Map<String, Shape> shapes) {
        float[] output(String name) {
            assertThat(values).containsKey(name);
            return values.get(name);
        }
    }

    private static float[][] randomRows(int rows, int width, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[][] values = new float[rows][width];
        for (float[] row : values) {
            for (int column = 0; column < width; column++) {
                row[column] = (float) random.nextGaussian();
            }
        }
        return values;
    }

    private static double logit(float[] row) {
        double sum = BIAS;
        for (int column = 0; column < row.length; column++) {
            sum += (double) row[column] * WEIGHTS[column];
        }
        return sum;
    }

    private static double forward(List<DenseLayer> layers, float[] row) {
        double[] activation = new double[row.length];
        Arrays.setAll(activation, index -> row[index]);
        for (int index = 0; index < layers.size(); index++) {
            DenseLayer layer = layers.get(index);
            double[] next = new double[layer.outputs()];
            for (int output = 0; output < layer.outputs(); output++) {
                double sum = layer.bias(output);
                for (int input = 0; input < layer.inputs(); input++) {
                    sum += activation[input] * layer.weight(input, output);
                }
                next[output] = index == layers.size() - 1 ? sigmoid(sum) : Math.max(0, sum);
            }
            activation = next;
        }
        return activation[0];
    }

    private static double sigmoid(double value) {
        return 1 / (1 + Math.exp(-value));
    }
}
