package io.nightshift.gate;

import java.util.Arrays;

/**
 * The population stability index of an actual sample against an expected (reference) one: 10 bins cut at the
 * reference's deciles (numpy's linear-interpolation quantiles at 0.1, ..., 0.9; repeated edges merged, so a feature
 * with few distinct values has fewer bins), bin {@code b} holding values in {@code (edge_{b−1}, edge_b]} with open ends.
 * Each side's fraction per bin is floored at 1e-4 (an empty bin would make the index infinite), without renormalising;
 * then {@code PSI = Σ_b (actual_b − expected_b) · ln(actual_b / expected_b)}. The edges are returned so they can be kept
 * with the model version and the same bins reused later.
 */
final class PopulationStability {

    static final double FRACTION_FLOOR = 1e-4;
    static final int BINS = 10;

    private PopulationStability() {
    }

    record Result(double psi, double[] edges, double[] expectedFractions, double[] actualFractions) {
    }

    /** The distinct decile edges of the reference values (NaN excluded by the caller). */
    static double[] decileEdges(double[] reference) {
        if (reference.length == 0) {
            throw new IllegalArgumentException("Cannot compute deciles of an empty sample");
        }
        double[] sorted = reference.clone();
        Arrays.sort(sorted);
        double[] edges = new double[BINS - 1];
        for (int i = 1; i < BINS; i++) {
            edges[i - 1] = PairedBootstrap.quantile(sorted, i / (double) BINS);
        }
        return Arrays.stream(edges).distinct().toArray();
    }

    static Result index(double[] expected, double[] actual) {
        return index(expected, actual, decileEdges(expected));
    }

    static Result index(double[] expected, double[] actual, double[] edges) {
        double[] expectedFractions = fractions(expected, edges);
        double[] actualFractions = fractions(actual, edges);
        double psi = 0;
        for (int bin = 0; bin < expectedFractions.length; bin++) {
            double e = Math.max(expectedFractions[bin], FRACTION_FLOOR);
            double a = Math.max(actualFractions[bin], FRACTION_FLOOR);
            psi += (a - e) * Math.log(a / e);
        }
        return new Result(psi, edges, expectedFractions, actualFractions);
    }

    private static double[] fractions(double[] values, double[] edges) {
        double[] counts = new double[edges.length + 1];
        for (double value : values) {
            counts[bin(value, edges)]++;
        }
        for (int bin = 0; bin < counts.length; bin++) {
            counts[bin] /= values.length;
        }
        return counts;
    }

    /** The number of edges strictly below the value: bins are closed on the right. */
    static int bin(double value, double[] edges) {
        int low = 0;
        int high = edges.length;
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (edges[middle] < value) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        return low;
    }
}
