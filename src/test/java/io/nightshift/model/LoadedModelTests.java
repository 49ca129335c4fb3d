package io.nightshift.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nightshift.model.onnx.OnnxModelWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A loaded model's lifecycle against threads still scoring: closing it (a run ending while a partition thread is
 * still busy) or shutting ONNX Runtime down (the process exiting) must turn later batches into a clear
 * {@link ModelException}, never a call into freed native memory, which would crash this very JVM.
 */
class LoadedModelTests {

    private static final List<ModelSpec.FeatureSpec> FEATURES = List.of(ModelSpec.FeatureSpec.plain("f00"),
            ModelSpec.FeatureSpec.plain("f01"), ModelSpec.FeatureSpec.plain("f02"));

    @TempDir
    Path directory;

    @Test
    void aModelClosedWhileAnotherThreadScoresFailsThatThreadsNextBatchWithAModelException() throws Exception {
        // given: a thread scoring batch after batch, and a few batches done
        LoadedModel model = LoadedModel.load(artifact(), FEATURES, InferenceOptions.cpu(1), new OnnxRuntimeGuard());
        AtomicInteger scored = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch fewBatchesDone = new CountDownLatch(3);
        Thread scoring = new Thread(() -> {
            try (ModelScorer scorer = model.newScorer()) {
                while (true) {
                    ScoreBlock scores = scorer.score(new FeatureBlock(new float[3 * 256], 256, 3));
                    assertThat(scores.rows()).isEqualTo(256);
                    scored.incrementAndGet();
                    fewBatchesDone.countDown();
                }
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "scoring");
        scoring.start();
        fewBatchesDone.await();

        // when: the model is closed under it
        model.close();
        scoring.join();

        // then: the thread stopped at a clean error; every batch it finished was whole
        assertThat(failure.get()).isInstanceOf(ModelException.class).hasMessageContaining("the model is closed");
        assertThat(scored.get()).isGreaterThanOrEqualTo(3);
        assertThat(model.isClosed()).isTrue();
    }

    @Test
    void afterShutdownOpenModelsAreClosedAndNoModelLoadsOrScores() throws IOException {
        // given: ONNX Runtime with one model loaded and a scorer taken from it
        OnnxRuntimeGuard guard = new OnnxRuntimeGuard();
        LoadedModel model = LoadedModel.load(artifact(), FEATURES, InferenceOptions.cpu(1), guard);
        ModelScorer scorer = model.newScorer();

        // when: the process is about to exit
        guard.shutDown();

        // then
        assertThat(model.isClosed()).isTrue();
        assertThatThrownBy(() -> scorer.score(new FeatureBlock(new float[3], 1, 3)))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("ONNX Runtime is shut down");
        assertThatThrownBy(() -> LoadedModel.load(artifact(), FEATURES, InferenceOptions.cpu(1), guard))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("Cannot load model")
                .hasMessageContaining("ONNX Runtime is shut down");
        scorer.close();
    }

    @Test
    void closingAModelTwiceOrAScorerAfterItsModelIsHarmless() throws IOException {
        // given
        LoadedModel model = LoadedModel.load(artifact(), FEATURES, InferenceOptions.cpu(1), new OnnxRuntimeGuard());
        ModelScorer scorer = model.newScorer();

        // when
        model.close();
        model.close();
        scorer.close();

        // then
        assertThat(model.isClosed()).isTrue();
        assertThatThrownBy(model::newScorer).isInstanceOf(ModelException.class).hasMessageContaining("the model is closed");
    }

    private ModelArtifact artifact() throws IOException {
        Path onnx = directory.resolve("model.onnx");
        OnnxModelWriter.write(OnnxModelWriter.logisticRegression(new float[] {0.5f, -0.25f, 1f}, 0.1f, "features", "score", Map.of()), onnx);
        return new ModelArtifact(onnx.toString(), onnx, new ModelSpec("lifecycle", "1", null, FEATURES, List.of()), true,
                "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
    }
}
