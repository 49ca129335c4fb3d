package io.nightshift.retrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PerceptronTrainerTests {

    private static final LabeledRows TRAIN = NonLinearData.rows(4_000, 11);
    private static final LabeledRows VALIDATION = NonLinearData.rows(1_000, 12);

    @Test
    void beatsLogisticRegressionByAClearMarginOnNonLinearData() {
        // when
        long started = System.nanoTime();
        TrainedPerceptron perceptron = new PerceptronTrainer(7).train(TRAIN, VALIDATION);
        long perceptronMillis = (System.nanoTime() - started) / 1_000_000;
        TrainedLogisticRegression regression = new LogisticRegressionTrainer().train(TRAIN, VALIDATION);

        // then
        double perceptronAuc = ClassificationMetrics.of(perceptron.probabilities(VALIDATION.features()), VALIDATION.labels()).rocAuc();
        double regressionAuc = ClassificationMetrics.of(regression.probabilities(VALIDATION.features()), VALIDATION.labels()).rocAuc();
        System.out.printf(Locale.ROOT, "validation ROC AUC: mlp %.4f (%d epochs, best %d, %d ms), logistic regression %.4f%n",
                perceptronAuc, perceptron.epochsRun(), perceptron.bestEpoch(), perceptronMillis, regressionAuc);
        assertThat(perceptronAuc).isGreaterThan(regressionAuc + 0.1);
    }

    @Test
    void theSameSeedGivesBitIdenticalWeights() {
        // when
        TrainedPerceptron first = new PerceptronTrainer(List.of(16, 8), 5, 0.003, 1e-4, 64, 5, 42).train(TRAIN, VALIDATION);
        TrainedPerceptron second = new PerceptronTrainer(List.of(16, 8), 5, 0.003, 1e-4, 64, 5, 42).train(TRAIN, VALIDATION);

        // then
        assertThat(second.toOnnx("features", "probability", Map.of()))
                .isEqualTo(first.toOnnx("features", "probability", Map.of()));
    }

    @Test
    void anotherSeedGivesOtherWeights() {
        // when
        TrainedPerceptron first = new PerceptronTrainer(List.of(16, 8), 5, 0.003, 1e-4, 64, 5, 42).train(TRAIN, VALIDATION);
        TrainedPerceptron second = new PerceptronTrainer(List.of(16, 8), 5, 0.003, 1e-4, 64, 5, 43).train(TRAIN, VALIDATION);

        // then
        assertThat(second.toOnnx("features", "probability", Map.of()))
                .isNotEqualTo(first.toOnnx("features", "probability", Map.of()));
    }

    @Test
    void stopsOncePatienceRunsOutAndKeepsTheBestEpoch() {
        // given: a learning rate so high the validation loss soon stops improving
        PerceptronTrainer trainer = new PerceptronTrainer(List.of(32), 200, 0.05, 0, 16, 2, 3);

        // when
        TrainedPerceptron model = trainer.train(TRAIN, VALIDATION);

        // then
        assertThat(model.epochsRun()).isLessThan(200);
        assertThat(model.epochsRun() - model.bestEpoch()).isEqualTo(2);
        double best = model.validationLogLossByEpoch().get(model.bestEpoch() - 1);
        assertThat(model.validationLogLossByEpoch()).allSatisfy(loss -> assertThat(loss).isGreaterThanOrEqualTo(best));
    }

    @Test
    void exportsOneLayerPerHiddenSizeAndAnOutputLayer() {
        // when
        TrainedPerceptron model = new PerceptronTrainer(List.of(12, 6), 1, 0.003, 1e-4, 64, 5, 1).train(TRAIN, VALIDATION);

        // then
        assertThat(model.layerSizes()).containsExactly(8, 12, 6, 1);
        assertThat(model.mean()).hasSize(8);
    }

    @Test
    void refusesAHiddenLayerWithoutUnits() {
        assertThatThrownBy(() -> new PerceptronTrainer(List.of(8, 0), 10, 0.003, 1e-4, 64, 5, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("hidden layer sizes must be between 1 and 1024, got [8, 0]");
    }

    @Test
    void refusesToTrainWithoutValidationRows() {
        LabeledRows none = NonLinearData.slice(VALIDATION, 0, 0);
        assertThatThrownBy(() -> new PerceptronTrainer(1).train(TRAIN, none))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("without validation rows");
    }
}
