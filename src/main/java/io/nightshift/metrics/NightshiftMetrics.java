package io.nightshift.metrics;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.function.DoubleSupplier;

/**
 * What Nightshift reports to monitoring, called where each event happens (runs, chunks, fires, leases, the gate, model
 * loads), so that the core classes do not depend on Micrometer. {@code nightshift serve} reports to its Prometheus
 * endpoint ({@link MicrometerMetrics}); the other commands use {@link #NONE}. Tags are low-cardinality: job, outcome,
 * model, decision; never a run id.
 */
public interface NightshiftMetrics {

    /** Reports nothing: the CLI commands, which have no endpoint to scrape. */
    NightshiftMetrics NONE = new NightshiftMetrics() {
    };

    /** What became of a schedule fire. */
    enum FireKind {
        /** A run was queued for it. */
        FIRED,
        /** Quartz found it late (the scheduler was down or busy past the misfire threshold). */
        MISFIRED,
        /** {@code concurrency: forbid} skipped it: the previous run was still going. */
        SKIPPED
    }

    /**
     * A run execution started on this node; {@code rowsPerSecond} is its live rate, read at every scrape until it
     * {@linkplain #runEnded ends}.
     */
    default void runStarted(String job, long jobExecutionId, DoubleSupplier rowsPerSecond) {
    }

    /** A run execution ended with {@code outcome} (COMPLETED, FAILED, STOPPED...) after {@code duration}. */
    default void runEnded(String job, long jobExecutionId, String outcome, Duration duration) {
    }

    /**
     * A run execution ended having cost {@code nodeHours} node-hours, {@code gpuHours} GPU-hours and {@code dollars}
     * estimated dollars (at its budget's price; 0 without one).
     */
    default void runCost(String job, double nodeHours, double gpuHours, double dollars) {
    }

    /**
     * A chunk of a run execution was written: its part files (rows scored, rows rejected) and its lease checked, in
     * {@code took}; its checkpoint commits in the same transaction.
     */
    default void chunkCommitted(long jobExecutionId, String model, long scored, long rejected, Duration took) {
    }

    /** A run was taken over from a previous lease holder (a relaunch after a lost owner or a stop). */
    default void leaseTakenOver() {
    }

    default void fire(String job, FireKind kind) {
    }

    /** The promotion gate decided on a candidate of {@code model} (REJECTED, PENDING_APPROVAL, AUTO_PROMOTE). */
    default void gateDecision(String model, String decision) {
    }

    /** A model was loaded into ONNX Runtime. */
    default void modelLoaded(String model, Duration duration) {
    }

    /** How many runs self-healing leaves for an operator (read at every scrape). */
    default void runsLeftForOperator(DoubleSupplier count) {
    }

    /** An executor of this node (the run pool) as Micrometer's {@code executor_*} meters, tagged {@code name}. */
    default void executor(String name, ExecutorService executor) {
    }

    /** 1 while {@code /health/ready} is UP, 0 otherwise (read at every scrape). */
    default void readiness(DoubleSupplier ready) {
    }
}
