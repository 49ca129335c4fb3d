package io.nightshift.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.metric.Metrics;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.onnxruntime.engine.OrtNDArray;
import ai.djl.translate.TranslatorContext;
import io.nightshift.model.onnx.OnnxModelWriter;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The model's input reaches ONNX Runtime without a copy: the translator writes preprocessed values into the scorer's
 * reused direct buffer and the tensor is created over that memory. And the arithmetic stays the model spec's: fill for
 * NaN, then (value - mean) / scale, checked against a logistic regression computed here by hand, across batches of
 * changing size through one scorer (the buffer grows and is reused), with the caller's block left untouched.
 */
class ModelTranslatorTests {

    private static final float[] WEIGHTS = {0.5f, -0.25f, 1f};
    private static final float BIAS = 0.1f;
    private static final List<ModelSpec.FeatureSpec> FEATURES = List.of(new ModelSpec.FeatureSpec("f00", 2f, 4f, 1f),
            new ModelSpec.FeatureSpec("f01", -1f, 0.5f, null), ModelSpec.FeatureSpec.plain("f02"));

    @TempDir
    Path directory;

    @Test
    void theInputTensorIsCreatedOverTheScorersOwnDirectBufferWithoutACopy() {
        // given: the translator and a scorer's buffer
        ModelTranslator translator = new ModelTranslator("features", FEATURES, List.of("score"), new int[] {1});
        ModelTranslator.InputBuffer buffer = new ModelTranslator.InputBuffer();
        float[] values = {1f, 2f, 3f, Float.NaN, 0f, -1f};
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "OnnxRuntime")) {
            // when
            NDList input = translator.processInput(context(manager), new ModelTranslator.Input(new FeatureBlock(values, 2, 3), buffer));

            // then: ONNX Runtime did not copy the values into memory of its own; they are the preprocessed ones
            OrtNDArray array = (OrtNDArray) input.head();
            assertThat(array.getTensor().ownsBuffer()).as("ONNX Runtime copied the batch").isFalse();
            assertThat(array.getTensor().getBufferRef()).get().matches(java.nio.Buffer::isDirect);
            FloatBuffer seen = array.getTensor().getFloatBuffer();
            float[] expected = {(1f - 2f) / 4f, (2f + 1f) / 0.5f, 3f, (1f - 2f) / 4f, (0f + 1f) / 0.5f, -1f};
            for (int i = 0; i < expected.length; i++) {
                assertThat(seen.get(i)).as("value %d", i).isEqualTo(expected[i], within(1e-6f));
            }
            assertThat(values).as("the caller's block").containsExactly(1f, 2f, 3f, Float.NaN, 0f, -1f);
            assertThat(array.getName()).isEqualTo("features");
        }
    }

    @Test
    void scoresEqualTheModelComputedByHandAcrossBatchesOfChangingSize() throws IOException {
        // given: a logistic regression over standardised features, with a fill value for f00
        Path onnx = directory.resolve("model.onnx");
        OnnxModelWriter.write(OnnxModelWriter.logisticRegression(WEIGHTS, BIAS, "features", "score", Map.of()), onnx);
        ModelArtifact artifact = new ModelArtifact(onnx.toString(), onnx, new ModelSpec("by-hand", "1", null, FEATURES, List.of()),
                true, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
        java.util.Random random = new java.util.Random(7);
        try (LoadedModel model = LoadedModel.load(artifact, FEATURES, InferenceOptions.cpu(1), new OnnxRuntimeGuard());
                ModelScorer scorer = model.newScorer()) {
            // when: batches grow and shrink through the same scorer (and a block longer than its rows, as a last batch)
            for (int rows : new int[] {1, 700, 3, 4_096, 10, 2_048}) {
                float[] values = new float[rows * 3 + 5];
                for (int i = 0; i < values.length; i++) {
                    values[i] = i % 3 == 0 && random.nextInt(10) == 0 ? Float.NaN : (float) random.nextGaussian() * 3;
                }
                float[] before = values.clone();
                ScoreBlock scores = scorer.score(new FeatureBlock(values, rows, 3));

                // then: each score is the hand-computed one, and the block is as it was
                assertThat(scores.rows()).isEqualTo(rows);
                for (int row = 0; row < rows; row++) {
                    assertThat(scores.columns()[0][row]).as("row %d of %d", row, rows).isEqualTo(byHand(values, row), within(1e-6f));
                }
                assertThat(values).isEqualTo(before);
            }
        }
    }

    private static float byHand(float[] values, int row) {
        double sum = BIAS;
        for (int feature = 0; feature < 3; feature++) {
            ModelSpec.FeatureSpec spec = FEATURES.get(feature);
            float value = values[row * 3 + feature];
            if (Float.isNaN(value)) {
                value = spec.fill();
            }
            sum += WEIGHTS[feature] * ((value - spec.mean()) / spec.scale());
        }
        return (float) (1 / (1 + Math.exp(-sum)));
    }

    /** The part of DJL's translator context the translator uses: the manager the batch's arrays belong to. */
    private static TranslatorContext context(NDManager manager) {
        return new TranslatorContext() {
            @Override
            public Model getModel() {
                return null;
            }

            @Override
            public NDManager getNDManager() {
                return manager;
            }

            @Override
            public NDManager getPredictorManager() {
                return manager;
            }

            @Override
            public Block getBlock() {
                return null;
            }

            @Override
            public Metrics getMetrics() {
                return null;
            }

            @Override
            public Object getAttachment(String key) {
                return null;
            }

            @Override
            public void setAttachment(String key, Object value) {
            }

            @Override
            public void close() {
            }
        };
    }
}
