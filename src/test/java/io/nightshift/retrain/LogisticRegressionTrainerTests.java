package io.nightshift.retrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LogisticRegressionTrainerTests {

    // Features on very different scales, as real tables have them; standardization must cope.
    private static final double[] FEATURE_MEANS = {40, 0, 1000, -3};
    private static final double[] FEATURE_DEVIATIONS = {12, 1, 300, 0.5};
    private static final double[] TRUE_RAW_WEIGHTS = {0.05, -1.0, 0.002, 0.8};
    private static final double TRUE_RAW_BIAS = -2.0; // mean logit about -0.4: a base rate near 40 %

    private final LogisticRegressionTrainer trainer = new LogisticRegressionTrainer();

    @Test
    void recoversTheWeightsOfTheModelThatGeneratedTheLabels() {
        // given
        Sample sample = sample(200_000, 1);

        // when
        TrainedLogisticRegression model = trainer.train(sample.features(), sample.labels(), 4);

        // then
        float[] rawWeights = model.weightsOnRawFeatures();
        for (int column = 0; column < TRUE_RAW_WEIGHTS.length; column++) {
            // compared on the standardized scale, where every weight has a similar standard error
            assertThat(rawWeights[column] * FEATURE_DEVIATIONS[column]).as("weight of feature %d", column)
                    .isCloseTo(TRUE_RAW_WEIGHTS[column] * FEATURE_DEVIATIONS[column], within(0.05));
        }
        assertThat((double) model.biasOnRawFeatures()).isCloseTo(TRUE_RAW_BIAS, within(0.3));
    }

    @Test
    void trainedModelHasLowerLogLossThanPredictingTheBaseRate() {
        // given
        Sample sample = sample(50_000, 2);
        double baseRate = 0;
        for (int label : sample.labels()) {
            baseRate += label;
        }
        baseRate /= sample.labels().length;
        double baseRateLogLoss = -(baseRate * Math.log(baseRate) + (1 - baseRate) * Math.log(1 - baseRate));

        // when
        TrainedLogisticRegression model = trainer.train(sample.features(), sample.labels(), 4);

        // then
        assertThat(model.trainingLogLoss()).isLessThan(baseRateLogLoss - 0.05);
    }

    @Test
    void reportedLogLossIsTheMeanLogLossOfTheModelsOwnPredictions() {
        // given
        Sample sample = sample(20_000, 3);

        // when
        TrainedLogisticRegression model = trainer.train(sample.features(), sample.labels(), 4);

        // then
        double sum = 0;
        float[] row = new float[4];
        for (int index = 0; index < sample.labels().length; index++) {
            System.arraycopy(sample.features(), index * 4, row, 0, 4);
            double probability = model.probability(row);
            sum -= sample.labels()[index] == 1 ? Math.log(probability) : Math.log(1 - probability);
        }
        assertThat(model.trainingLogLoss()).isCloseTo(sum / sample.labels().length, within(1e-4));
    }

    @Test
    void standardizesWithEachFeaturesMeanAndStandardDeviation() {
        // given
        Sample sample = sample(100_000, 4);

        // when
        TrainedLogisticRegression model = trainer.train(sample.features(), sample.labels(), 4);

        // then
        for (int column = 0; column < 4; column++) {
            assertThat((double) model.mean()[column]).as("mean of %d", column)
                    .isCloseTo(FEATURE_MEANS[column], within(FEATURE_DEVIATIONS[column] * 0.02));
            assertThat((double) model.scale()[column]).as("scale of %d", column)
                    .isCloseTo(FEATURE_DEVIATIONS[column], within(FEATURE_DEVIATIONS[column] * 0.02));
        }
    }

    @Test
    void constantFeatureGetsScaleOneAndNoWeight() {
        // given: feature 1 is always 7
        SplittableRandom random = new SplittableRandom(5);
        int rows = 10_000;
        float[] features = new float[rows * 2];
        int[] labels = new int[rows];
        for (int row = 0; row < rows; row++) {
            features[2 * row] = (float) random.nextGaussian();
            features[2 * row + 1] = 7;
            labels[row] = random.nextDouble() < 1 / (1 + Math.exp(-features[2 * row])) ? 1 : 0;
        }

        // when
        TrainedLogisticRegression model = trainer.train(features, labels, 2);

        // then
        assertThat(model.scale()[1]).isEqualTo(1f);
        assertThat((double) model.weights()[1]).isCloseTo(0, within(1e-6));
    }

    @Test
    void foldedWeightsScoreRawFeaturesLikeTheStandardizedModel() {
        // given
        Sample sample = sample(5_000, 7);
        TrainedLogisticRegression model = trainer.train(sample.features(), sample.labels(), 4);
        float[] rawWeights = model.weightsOnRawFeatures();
        float[] row = new float[4];

        // when / then
        for (int index = 0; index < 100; index++) {
            System.arraycopy(sample.features(), index * 4, row, 0, 4);
            double logit = model.biasOnRawFeatures();
            for (int column = 0; column < 4; column++) {
                logit += (double) rawWeights[column] * row[column];
            }
            assertThat(1 / (1 + Math.exp(-logit))).as("row %d", index).isCloseTo(model.probability(row), within(1e-5));
        }
    }

    @Test
    void convergesInAFewNewtonSteps() {
        // given
        Sample sample = sample(50_000, 6);

        // when
        TrainedLogisticRegression model = trainer.train(sample.features(), sample.labels(), 4);

        // then
        assertThat(model.iterations()).isBetween(2, 15);
    }

    @Test
    void staysFiniteOnPerfectlySeparableData() {
        // given: label is exactly "feature > 0"
        int rows = 1_000;
        float[] features = new float[rows];
        int[] labels = new int[rows];
        for (int row = 0; row < rows; row++) {
            features[row] = row - rows / 2 + 0.5f;
            labels[row] = features[row] > 0 ? 1 : 0;
        }

        // when
        TrainedLogisticRegression model = trainer.train(features, labels, 1);

        // then
        assertThat(model.weights()[0]).isPositive().isFinite();
        assertThat(model.trainingLogLoss()).isLessThan(0.05);
    }

    @Test
    void rejectsALabelThatIsNeitherZeroNorOne() {
        assertThatThrownBy(() -> trainer.train(new float[] {1, 2, 3}, new int[] {0, 2, 1}, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("label of row 1 is 2");
    }

    @Test
    void rejectsANonFiniteFeature() {
        assertThatThrownBy(() -> trainer.train(new float[] {1, 2, 3, Float.NaN}, new int[] {0, 1}, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("feature 1 of row 1 is NaN");
    }

    @Test
    void rejectsFeaturesThatDoNotFillWholeRows() {
        assertThatThrownBy(() -> trainer.train(new float[5], new int[] {0, 1}, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs 4 values, got 5");
    }

    private record Sample(float[] features, int[] labels) {
    }

    private static Sample sample(int rows, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int width = FEATURE_MEANS.length;
        float[] features = new float[rows * width];
        int[] labels = new int[rows];
        for (int row = 0; row < rows; row++) {
            double logit = TRUE_RAW_BIAS;
            for (int column = 0; column < width; column++) {
                float value = (float) (FEATURE_MEANS[column] + FEATURE_DEVIATIONS[column] * random.nextGaussian());
                features[row * width + column] = value;
                logit += TRUE_RAW_WEIGHTS[column] * value;
            }
            labels[row] = random.nextDouble() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
        }
        return new Sample(features, labels);
    }
}
