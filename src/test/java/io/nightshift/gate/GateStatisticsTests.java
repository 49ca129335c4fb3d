package io.nightshift.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The gate's statistics against values computed independently by scikit-learn, scipy and numpy
 * (src/test/python/gate_fixture.py wrote src/test/resources/gate/fixture.json): 2,000 rows, 30% positive, production's
 * scores on a 0.01 grid (ties), a candidate score of exactly 0 on a positive and 1 on a negative (log loss clipping).
 */
class GateStatisticsTests {

    /** Deterministic metrics are the same arithmetic in another language: they agree to rounding. */
    private static final double EXACT = 1e-6;
    private static final Map<String, Metric> METRICS = Map.of("roc_auc", Metric.ROC_AUC, "pr_auc", Metric.PR_AUC, "log_loss",
            Metric.LOG_LOSS, "brier", Metric.BRIER, "accuracy", Metric.ACCURACY, "precision", Metric.PRECISION, "recall",
            Metric.RECALL, "f1", Metric.F1, "ece", Metric.ECE);

    private static JsonNode fixture;
    private static boolean[] labels;
    private static double[] candidate;
    private static double[] production;
    private static String[] regions;
    private static double threshold;
    /** The largest difference from the reference seen per metric, printed for the record. */
    private static final Map<String, Double> largestDifference = new java.util.TreeMap<>();

    @BeforeAll
    static void readFixture() throws IOException {
        try (InputStream in = GateStatisticsTests.class.getResourceAsStream("/gate/fixture.json")) {
            fixture = JsonMapper.builder().build().readTree(in);
        }
        JsonNode rows = fixture.get("rows");
        int count = rows.get("label").size();
        labels = new boolean[count];
        candidate = new double[count];
        production = new double[count];
        regions = new String[count];
        for (int i = 0; i < count; i++) {
            labels[i] = rows.get("label").get(i).asInt() == 1;
            candidate[i] = rows.get("candidate").get(i).asDouble();
            production[i] = rows.get("production").get(i).asDouble();
            regions[i] = rows.get("region").get(i).asString();
        }
        threshold = fixture.get("threshold").asDouble();
    }

    @Test
    void everyMetricOfBothModelsEqualsScikitLearns() {
        // when
        MetricValues candidateValues = new BinaryMetrics(labels, candidate, threshold).all();
        MetricValues productionValues = new BinaryMetrics(labels, production, threshold).all();

        // then
        assertMetrics("candidate", candidateValues, fixture.get("expected").get("candidate"));
        assertMetrics("production", productionValues, fixture.get("expected").get("production"));
        System.out.println("Largest difference from scikit-learn per metric: " + largestDifference);
    }

    @Test
    void perSliceMetricsEqualScikitLearnsOnTheSliceRows() {
        for (Map.Entry<String, JsonNode> slice : fixture.get("expected").get("slices").properties()) {
            // given
            List<Integer> rows = new ArrayList<>();
            for (int i = 0; i < regions.length; i++) {
                if (regions[i].equals(slice.getKey())) {
                    rows.add(i);
                }
            }
            boolean[] sliceLabels = new boolean[rows.size()];
            double[] sliceScores = new double[rows.size()];
            for (int i = 0; i < rows.size(); i++) {
                sliceLabels[i] = labels[rows.get(i)];
                sliceScores[i] = candidate[rows.get(i)];
            }

            // when
            MetricValues values = new BinaryMetrics(sliceLabels, sliceScores, threshold).all();

            // then
            assertThat(rows).hasSize(slice.getValue().get("rows").asInt());
            assertMetrics("candidate in " + slice.getKey(), values, slice.getValue().get("candidate"));
        }
    }

    @Test
    void reliabilityPointsAreTheMeanScoreAndPositiveRateOfEachTenthOfTheScoreRange() {
        // when
        List<Report.ReliabilityPoint> points = new BinaryMetrics(labels, candidate, threshold).reliability();

        // then
        JsonNode expected = fixture.get("expected").get("candidate_reliability");
        assertThat(points).hasSize(10);
        for (int bin = 0; bin < 10; bin++) {
            Report.ReliabilityPoint point = points.get(bin);
            assertThat(point.count()).as("count of bin %d", bin).isEqualTo(expected.get(bin).get("count").asInt());
            assertThat(point.meanScore()).as("mean score of bin %d", bin).isCloseTo(expected.get(bin).get("mean_score").asDouble(), within(EXACT));
            assertThat(point.positiveRate()).as("positive rate of bin %d", bin)
                    .isCloseTo(expected.get(bin).get("positive_rate").asDouble(), within(EXACT));
        }
    }

    @Test
    void collapseSignalsEqualNumpys() {
        assertCollapse(new BinaryMetrics(labels, candidate, threshold).collapse(), fixture.get("expected").get("candidate_collapse"));
        assertCollapse(new BinaryMetrics(labels, production, threshold).collapse(), fixture.get("expected").get("production_collapse"));
    }

    @Test
    void scorePsiAndItsDecileEdgesEqualNumpys() {
        // when
        PopulationStability.Result psi = PopulationStability.index(production, candidate);

        // then
        JsonNode expected = fixture.get("expected").get("score_psi");
        assertThat(psi.psi()).isCloseTo(expected.get("psi").asDouble(), within(EXACT));
        assertThat(psi.edges()).hasSize(expected.get("edges").size());
        for (int i = 0; i < psi.edges().length; i++) {
            assertThat(psi.edges()[i]).isCloseTo(expected.get("edges").get(i).asDouble(), within(1e-12));
        }
        record("score_psi", psi.psi(), expected.get("psi").asDouble());
    }

    @Test
    void featurePsiAndKolmogorovSmirnovEqualScipys() {
        // given
        JsonNode drift = fixture.get("drift");
        double[] reference = doubles(drift.get("reference"));
        double[] recent = doubles(drift.get("recent"));

        // when
        Report.FeatureDrift result = DriftAnalysis.feature("f0", reference, recent);

        // then
        assertThat(result.psi()).isCloseTo(drift.get("psi").asDouble(), within(EXACT));
        assertThat(result.ksStatistic()).isCloseTo(drift.get("ks_statistic").asDouble(), within(EXACT));
        // Both sides compute the exact distribution; relative agreement is what a p-value of 4e-5 allows asserting.
        assertThat(result.ksPValue()).isCloseTo(drift.get("ks_p_value").asDouble(), within(1e-6 * drift.get("ks_p_value").asDouble() + 1e-12));
        record("feature_psi", result.psi(), drift.get("psi").asDouble());
        record("ks_statistic", result.ksStatistic(), drift.get("ks_statistic").asDouble());
        record("ks_p_value", result.ksPValue(), drift.get("ks_p_value").asDouble());
        System.out.println("Largest difference from scipy/numpy: " + largestDifference);
    }

    /**
     * numpy's bootstrap uses another generator, so the intervals agree only up to Monte Carlo error. An endpoint is the
     * 2.5% (97.5%) quantile of B resampled differences; its standard error is about
     * {@code sqrt(p (1 − p) / B) / φ(1.96) · σ ≈ 0.085 σ} for B = 1,000 and p = 0.025 (normal approximation, σ the
     * bootstrap standard deviation of the difference), 0.038 σ for B = 5,000 (the reference). The difference of two
     * independent estimates has standard error ≈ 0.093 σ at Java's B = 1,000; 5 of them (0.47 σ) is exceeded by chance
     * with probability below 1e-6 per endpoint. σ comes from the reference (0.007 for ΔAUC, so endpoints within 0.0033).
     */
    @Test
    void pairedStratifiedBootstrapIntervalsAgreeWithNumpysWithinMonteCarloError() {
        // given
        BinaryMetrics candidateMetrics = new BinaryMetrics(labels, candidate, threshold);
        BinaryMetrics productionMetrics = new BinaryMetrics(labels, production, threshold);

        // when
        Map<Metric, PairedBootstrap.Interval> intervals = PairedBootstrap.differences(candidateMetrics, productionMetrics, labels,
                1000, 7L, 2);

        // then
        for (Map.Entry<String, JsonNode> expected : fixture.get("expected").get("bootstrap").properties()) {
            Metric metric = METRICS.get(expected.getKey());
            double sd = expected.getValue().get("sd").asDouble();
            PairedBootstrap.Interval interval = intervals.get(metric);
            assertThat(interval.low()).as("%s CI low", metric).isCloseTo(expected.getValue().get("ci_low").asDouble(), within(0.47 * sd));
            assertThat(interval.high()).as("%s CI high", metric).isCloseTo(expected.getValue().get("ci_high").asDouble(), within(0.47 * sd));
            System.out.printf("bootstrap %s: Java [%.5f, %.5f], numpy [%.5f, %.5f], sd %.5f%n", metric.key(), interval.low(),
                    interval.high(), expected.getValue().get("ci_low").asDouble(), expected.getValue().get("ci_high").asDouble(), sd);
        }
    }

    @Test
    void onTwentyThousandRowsEveryIntervalBracketsTheObservedDifference() {
        // given: 20,000 rows, two models that see the same latent variable through different noise
        java.util.Random random = new java.util.Random(3);
        int rows = 20_000;
        boolean[] bigLabels = new boolean[rows];
        double[] better = new double[rows];
        double[] worse = new double[rows];
        for (int i = 0; i < rows; i++) {
            double latent = random.nextGaussian();
            bigLabels[i] = random.nextDouble() < 1 / (1 + Math.exp(-2 * latent));
            better[i] = 1 / (1 + Math.exp(-2 * (latent + 0.5 * random.nextGaussian())));
            worse[i] = 1 / (1 + Math.exp(-2 * (latent + 1.0 * random.nextGaussian())));
        }
        BinaryMetrics candidateMetrics = new BinaryMetrics(bigLabels, better, threshold);
        BinaryMetrics productionMetrics = new BinaryMetrics(bigLabels, worse, threshold);

        // when
        long start = System.nanoTime();
        Map<Metric, PairedBootstrap.Interval> intervals = PairedBootstrap.differences(candidateMetrics, productionMetrics, bigLabels,
                1000, 5L, 2);
        double seconds = (System.nanoTime() - start) / 1e9;

        // then
        System.out.printf("Paired bootstrap, 20,000 rows, 1,000 resamples, all 9 metrics, 2 threads: %.2f s%n", seconds);
        MetricValues candidateValues = candidateMetrics.all();
        MetricValues productionValues = productionMetrics.all();
        for (Metric metric : Metric.values()) {
            double difference = candidateValues.get(metric) - productionValues.get(metric);
            assertThat(difference).as(metric.key()).isBetween(intervals.get(metric).low(), intervals.get(metric).high());
        }
    }

    @Test
    void theBootstrapIsReproducibleFromItsSeedWhateverTheThreads() {
        // given
        BinaryMetrics candidateMetrics = new BinaryMetrics(labels, candidate, threshold);
        BinaryMetrics productionMetrics = new BinaryMetrics(labels, production, threshold);

        // when
        Map<Metric, PairedBootstrap.Interval> oneThread = PairedBootstrap.differences(candidateMetrics, productionMetrics, labels, 300, 11L, 1);
        Map<Metric, PairedBootstrap.Interval> twoThreads = PairedBootstrap.differences(candidateMetrics, productionMetrics, labels, 300, 11L, 2);
        Map<Metric, PairedBootstrap.Interval> otherSeed = PairedBootstrap.differences(candidateMetrics, productionMetrics, labels, 300, 12L, 2);

        // then
        assertThat(twoThreads).isEqualTo(oneThread);
        assertThat(otherSeed).isNotEqualTo(oneThread);
    }

    @Test
    void weightingARowTwiceEqualsDuplicatingIt() {
        // given: row weights 0, 1 or 2, and the same rows materialised
        int[] weights = new int[labels.length];
        List<Integer> copies = new ArrayList<>();
        for (int i = 0; i < labels.length; i++) {
            weights[i] = i % 3;
            for (int copy = 0; copy < weights[i]; copy++) {
                copies.add(i);
            }
        }
        boolean[] duplicatedLabels = new boolean[copies.size()];
        double[] duplicatedScores = new double[copies.size()];
        for (int i = 0; i < copies.size(); i++) {
            duplicatedLabels[i] = labels[copies.get(i)];
            duplicatedScores[i] = production[copies.get(i)];
        }

        // when
        MetricValues weighted = new BinaryMetrics(labels, production, threshold).weighted(weights);
        MetricValues duplicated = new BinaryMetrics(duplicatedLabels, duplicatedScores, threshold).all();

        // then
        for (Metric metric : Metric.values()) {
            assertThat(weighted.get(metric)).as(metric.key()).isCloseTo(duplicated.get(metric), within(1e-12));
        }
    }

    private static void assertMetrics(String model, MetricValues values, JsonNode expected) {
        for (Map.Entry<String, Metric> entry : METRICS.entrySet()) {
            double reference = expected.get(entry.getKey()).asDouble();
            assertThat(values.get(entry.getValue())).as("%s %s", model, entry.getKey()).isCloseTo(reference, within(EXACT));
            record(entry.getKey(), values.get(entry.getValue()), reference);
        }
    }

    private static void assertCollapse(Report.Collapse collapse, JsonNode expected) {
        assertThat(collapse.majorityShare()).isCloseTo(expected.get("majority_share").asDouble(), within(EXACT));
        assertThat(collapse.scoreStd()).isCloseTo(expected.get("score_std").asDouble(), within(EXACT));
        assertThat(collapse.distinctScores()).isEqualTo(expected.get("distinct_scores").asLong());
        assertThat(collapse.scoreMode()).isCloseTo(expected.get("score_mode").asDouble(), within(1e-12));
        assertThat(collapse.modeShare()).isCloseTo(expected.get("mode_share").asDouble(), within(EXACT));
    }

    private static void record(String name, double actual, double expected) {
        largestDifference.merge(name, Math.abs(actual - expected), Math::max);
    }

    private static double[] doubles(JsonNode array) {
        double[] values = new double[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).asDouble();
        }
        return values;
    }
}
