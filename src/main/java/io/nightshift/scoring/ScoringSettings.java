package io.nightshift.scoring;

import static java.util.Objects.requireNonNull;

import io.nightshift.budget.Budget;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What one scoring run is asked to do: the options of {@code nightshift score} and the body of a job spec.
 * Validated here so that a bad value fails before a run exists, with the option's name in the message.
 *
 * @param model           a {@code .onnx} file or a model directory ({@code model.onnx} + {@code model.yaml})
 * @param input           a file, directory or glob of Parquet files
 * @param output          the directory that receives part files, {@code _manifest.json} and {@code _SUCCESS}
 * @param rejects         where rejected rows go; null means {@code <output>/_rejects}
 * @param idColumn        the column that identifies a row in the output and in rejects
 * @param features        feature columns in model order; empty means the model's list, or all numeric non-id columns
 * @param featurePrefix   alternatively, every column whose name starts with this prefix, in file order
 * @param passthrough     extra input columns copied to the output unchanged
 * @param batchSize       rows per inference call
 * @param commitInterval  rows per checkpoint (rounded up to whole batches): the most a crash can cost
 * @param threads         partitions scored at once in this process
 * @param maxRejectFraction the run fails when more than this share of rows is rejected
 * @param overwrite       replace a committed result at the output location
 * @param device          cpu or gpu
 * @param partitions      where partitions run (local threads, or remote workers) and how big they are
 * @param budget          the job's caps and price ({@link Budget#NONE} without a {@code budget:} block); a relaunch may
 *                        raise its caps ({@code nightshift relaunch --max-dollars})
 */
public record ScoringSettings(
        String model,
        String input,
        String output,
        String rejects,
        String idColumn,
        List<String> features,
        String featurePrefix,
        List<String> passthrough,
        int batchSize,
        int commitInterval,
        int threads,
        double maxRejectFraction,
        boolean overwrite,
        String device,
        Partitions partitions,
        Budget budget) {

    public static final int DEFAULT_BATCH_SIZE = 4096;
    public static final int DEFAULT_COMMIT_INTERVAL = 100_000;
    public static final double DEFAULT_MAX_REJECT_FRACTION = 0.01;

    /** Settings with the default partitions: local threads, sized by the planner. */
    public ScoringSettings(String model, String input, String output, String rejects, String idColumn, List<String> features,
            String featurePrefix, List<String> passthrough, int batchSize, int commitInterval, int threads,
            double maxRejectFraction, boolean overwrite, String device) {
        this(model, input, output, rejects, idColumn, features, featurePrefix, passthrough, batchSize, commitInterval, threads,
                maxRejectFraction, overwrite, device, Partitions.DEFAULT, Budget.NONE);
    }

    /** Settings without a budget block. */
    public ScoringSettings(String model, String input, String output, String rejects, String idColumn, List<String> features,
            String featurePrefix, List<String> passthrough, int batchSize, int commitInterval, int threads,
            double maxRejectFraction, boolean overwrite, String device, Partitions partitions) {
        this(model, input, output, rejects, idColumn, features, featurePrefix, passthrough, batchSize, commitInterval, threads,
                maxRejectFraction, overwrite, device, partitions, Budget.NONE);
    }

    public ScoringSettings {
        partitions = partitions == null ? Partitions.DEFAULT : partitions;
        budget = budget == null ? Budget.NONE : budget;
        requireSetting(model, "model");
        requireSetting(input, "input");
        requireSetting(output, "output");
        requireSetting(idColumn, "id-column");
        features = List.copyOf(requireNonNull(features, "features is null"));
        passthrough = List.copyOf(requireNonNull(passthrough, "passthrough is null"));
        if (!features.isEmpty() && featurePrefix != null) {
            throw new IllegalArgumentException("Give either features or feature-prefix, not both");
        }
        if (batchSize < 1 || batchSize > 1_000_000) {
            throw new IllegalArgumentException("batch-size must be between 1 and 1,000,000, was " + batchSize);
        }
        if (commitInterval < 1) {
            throw new IllegalArgumentException("commit-interval must be at least 1 row, was " + commitInterval);
        }
        if (threads < 1 || threads > 256) {
            throw new IllegalArgumentException("threads must be between 1 and 256, was " + threads);
        }
        if (!(maxRejectFraction >= 0 && maxRejectFraction <= 1)) {
            throw new IllegalArgumentException("max-reject-fraction must be between 0 and 1, was " + maxRejectFraction);
        }
        device = device == null ? "cpu" : device;
        if (!device.equals("cpu") && !device.equals("gpu")) {
            throw new IllegalArgumentException("device must be cpu or gpu, was '" + device + "'");
        }
        requireDistinct(features, "features");
        requireDistinct(passthrough, "passthrough");
        if (passthrough.contains(idColumn)) {
            throw new IllegalArgumentException("passthrough lists the id column '" + idColumn + "', which is always copied");
        }
    }

    /** These settings with another budget (a job spec's block, or a relaunch's raised cap). */
    public ScoringSettings withBudget(Budget newBudget) {
        return new ScoringSettings(model, input, output, rejects, idColumn, features, featurePrefix, passthrough, batchSize,
                commitInterval, threads, maxRejectFraction, overwrite, device, partitions, newBudget);
    }

    /**
     * At most how many workers score a remote run at once: the smaller of {@code partitions.max-workers} and
     * {@code budget.max-workers} where set; 0 means no cap.
     */
    public int workerCap() {
        int fromPartitions = partitions.maxWorkers();
        int fromBudget = budget.maxWorkers();
        if (fromPartitions == 0 || fromBudget == 0) {
            return Math.max(fromPartitions, fromBudget);
        }
        return Math.min(fromPartitions, fromBudget);
    }

    /**
     * How many nodes a run of {@code partitionCount} partitions is charged for: a local run, one (its own); a remote
     * run, its worker cap (or one node per partition without a cap) for its whole wall time, because the worker node
     * group is sized to that cap while the run lasts. An upper bound, so a budget stops a run early rather than late.
     */
    public int nodesCharged(int partitionCount) {
        if (!partitions.remote()) {
            return 1;
        }
        int cap = workerCap();
        return Math.max(1, cap == 0 ? partitionCount : Math.min(cap, partitionCount));
    }

    /** Rows per inference call, never more than a checkpoint holds. */
    public int effectiveBatchSize() {
        return Math.min(batchSize, commitInterval);
    }

    /** Batches per checkpoint: the chunk size of the scoring step. */
    public int batchesPerCommit() {
        int batch = effectiveBatchSize();
        return Math.max(1, (commitInterval + batch - 1) / batch);
    }

    /** A column listed twice would only fail when the first partition opens its reader, after the run exists. */
    private static void requireDistinct(List<String> columns, String name) {
        Set<String> seen = new HashSet<>();
        for (String column : columns) {
            if (!seen.add(column)) {
                throw new IllegalArgumentException(name + " lists '" + column + "' twice");
            }
        }
    }

    private static void requireSetting(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("Missing setting '" + name + "'");
        }
    }

    /**
     * A job spec's {@code partitions} block.
     *
     * @param mode       {@code local}: the run's partitions on threads of the process that runs it; {@code remote}: one
     *                   message per partition to the broker's queue, executed by {@code nightshift worker} processes
     *                   against the shared job repository
     * @param targetRows rows per partition (whole row groups, so about); 0 lets the planner size them from the input
     *                   and {@code threads}
     * @param maxWorkers remote mode: at most this many of the run's partitions are handed out at once, so at most this
     *                   many workers score it; 0 means no cap
     */
    public record Partitions(Mode mode, long targetRows, int maxWorkers) {

        public static final Partitions DEFAULT = new Partitions(Mode.LOCAL, 0, 0);

        public Partitions {
            mode = mode == null ? Mode.LOCAL : mode;
            if (targetRows < 0) {
                throw new IllegalArgumentException("partitions.target-rows must be at least 1 row (or 0 to let the planner size"
                        + " partitions), was " + targetRows);
            }
            if (maxWorkers < 0) {
                throw new IllegalArgumentException("partitions.max-workers must be at least 1 (or 0 for no cap), was " + maxWorkers);
            }
        }

        public boolean remote() {
            return mode == Mode.REMOTE;
        }

        /** Where partitions run. */
        public enum Mode {
            LOCAL, REMOTE
        }
    }
}
