package io.nightshift.gate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The paired, label-stratified percentile bootstrap of every metric's difference (candidate − production): each resample
 * draws as many positives from the positives and as many negatives from the negatives as the holdout has, with
 * replacement, and both models are evaluated on those same rows, so the interval reflects the models' difference and
 * not the luck of the rows. A resample is a count per row, evaluated in one pass over each model's pre-sorted scores.
 * Resample {@code r} draws from its own generator, split from the seed in order, so the result depends on the seed and
 * the number of resamples only, not on the threads.
 */
final class PairedBootstrap {

    static final int DEFAULT_RESAMPLES = 1000;
    static final double CONFIDENCE = 0.95;

    private PairedBootstrap() {
    }

    /** The 95% interval of one metric's difference, by the percentile method. */
    record Interval(double low, double high) {
    }

    static Map<Metric, Interval> differences(BinaryMetrics candidate, BinaryMetrics production, boolean[] labels, int resamples,
            long seed, int threads) {
        if (resamples < 1) {
            throw new IllegalArgumentException("resamples must be at least 1, was " + resamples);
        }
        int rows = labels.length;
        int positiveCount = 0;
        for (boolean label : labels) {
            positiveCount += label ? 1 : 0;
        }
        int[] positives = new int[positiveCount];
        int[] negatives = new int[rows - positiveCount];
        for (int row = 0, p = 0, n = 0; row < rows; row++) {
            if (labels[row]) {
                positives[p++] = row;
            } else {
                negatives[n++] = row;
            }
        }
        SplittableRandom root = new SplittableRandom(seed);
        SplittableRandom[] generators = new SplittableRandom[resamples];
        for (int r = 0; r < resamples; r++) {
            generators[r] = root.split();
        }
        Metric[] metrics = Metric.values();
        double[][] differences = new double[metrics.length][resamples];
        int workers = Math.max(1, Math.min(threads, resamples));
        ExecutorService executor = workers == 1 ? null : Executors.newFixedThreadPool(workers, runnable -> {
            Thread thread = new Thread(runnable, "gate-bootstrap");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int worker = 0; worker < workers; worker++) {
                int first = worker;
                Runnable task = () -> {
                    int[] counts = new int[rows];
                    for (int r = first; r < resamples; r += workers) {
                        Arrays.fill(counts, 0);
                        SplittableRandom random = generators[r];
                        for (int i = 0; i < positives.length; i++) {
                            counts[positives[random.nextInt(positives.length)]]++;
                        }
                        for (int i = 0; i < negatives.length; i++) {
                            counts[negatives[random.nextInt(negatives.length)]]++;
                        }
                        MetricValues c = candidate.weighted(counts);
                        MetricValues p = production.weighted(counts);
                        for (int m = 0; m < metrics.length; m++) {
                            differences[m][r] = c.get(metrics[m]) - p.get(metrics[m]);
                        }
                    }
                };
                if (executor == null) {
                    task.run();
                } else {
                    futures.add(executor.submit(task));
                }
            }
            for (Future<?> future : futures) {
                future.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Cannot bootstrap the metric differences: interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Cannot bootstrap the metric differences: " + e.getCause(), e.getCause());
        } finally {
            if (executor != null) {
                executor.shutdownNow();
            }
        }
        Map<Metric, Interval> intervals = new EnumMap<>(Metric.class);
        double tail = (1 - CONFIDENCE) / 2;
        for (int m = 0; m < metrics.length; m++) {
            double[] sorted = differences[m].clone();
            Arrays.sort(sorted);
            intervals.put(metrics[m], new Interval(quantile(sorted, tail), quantile(sorted, 1 - tail)));
        }
        return intervals;
    }

    /** The {@code q} quantile of sorted values, interpolating linearly between order statistics (numpy's default). */
    static double quantile(double[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        double position = q * (sorted.length - 1);
        int below = (int) Math.floor(position);
        int above = Math.min(below + 1, sorted.length - 1);
        double fraction = position - below;
        return sorted[below] + (sorted[above] - sorted[below]) * fraction;
    }
}
