package io.nightshift.retrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ClassificationMetricsTests {

    @Test
    void rocAucIsTheShareOfPositiveNegativePairsRankedRightWithTiesCountingHalf() {
        // given: positives 0.9, 0.4, 0.3; negatives 0.8, 0.3, 0.1 → pairs won: 0.9 beats 3, 0.4 beats 2, 0.3 beats 1 and ties 1
        double[] probabilities = {0.9, 0.8, 0.4, 0.3, 0.3, 0.1};
        int[] labels = {1, 0, 1, 1, 0, 0};

        // when
        ClassificationMetrics metrics = ClassificationMetrics.of(probabilities, labels);

        // then
        assertThat(metrics.rocAuc()).isCloseTo(6.5 / 9, within(1e-12));
    }

    @Test
    void logLossAndAccuracyAtOneHalf() {
        // given
        double[] probabilities = {0.8, 0.5, 0.3, 0.1};
        int[] labels = {1, 0, 1, 0};

        // when
        ClassificationMetrics metrics = ClassificationMetrics.of(probabilities, labels);

        // then: 0.5 predicts 1
        assertThat(metrics.accuracy()).isEqualTo(0.5);
        assertThat(metrics.logLoss()).isCloseTo(-(Math.log(0.8) + Math.log(0.5) + Math.log(0.3) + Math.log(0.9)) / 4, within(1e-12));
        assertThat(metrics.rows()).isEqualTo(4);
    }

    @Test
    void rocAucIsUndefinedForOneClass() {
        assertThat(ClassificationMetrics.of(new double[] {0.2, 0.7}, new int[] {1, 1}).rocAuc()).isNaN();
    }

    @Test
    void aCertainWrongPredictionHasALargeButFiniteLogLoss() {
        assertThat(ClassificationMetrics.of(new double[] {0.0}, new int[] {1}).logLoss()).isCloseTo(-Math.log(1e-15), within(1e-9));
    }
}
