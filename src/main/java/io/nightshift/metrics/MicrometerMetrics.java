package io.nightshift.metrics;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ExecutorServiceMetrics;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;

/**
 * {@link NightshiftMetrics} on a Micrometer registry: the meters {@code nightshift serve} exposes at {@code /metrics}.
 * Micrometer's names use dots; the Prometheus registry turns {@code nightshift.rows.read} into
 * {@code nightshift_rows_read_total} (counters get {@code _total}, timers {@code _seconds_count/_sum/_max}). Every
 * name is listed in docs/OPERATIONS.md, and config/prometheus/alerts.yaml and config/grafana/nightshift.json use
 * only these (a test checks).
 */
final class MicrometerMetrics implements NightshiftMetrics {

    static final String ROWS_READ = "nightshift.rows.read";
    static final String ROWS_SCORED = "nightshift.rows.scored";
    static final String ROWS_REJECTED = "nightshift.rows.rejected";
    static final String ROWS_PER_SECOND = "nightshift.run.rows.per.second";
    static final String RUNS_ACTIVE = "nightshift.runs.active";
    static final String RUN_DURATION = "nightshift.run.duration";
    static final String LAST_SUCCESS = "nightshift.run.last.success.time";
    static final String CHECKPOINT_COMMIT = "nightshift.checkpoint.commit";
    static final String LEASE_TAKEOVERS = "nightshift.lease.takeovers";
    static final String FIRES = "nightshift.schedule.fires";
    static final String MISFIRES = "nightshift.schedule.misfires";
    static final String SKIPS = "nightshift.schedule.skips";
    static final String GATE_DECISIONS = "nightshift.gate.decisions";
    static final String MODEL_LOAD = "nightshift.model.load";
    static final String LEFT_FOR_OPERATOR = "nightshift.runs.left.for.operator";
    static final String READY = "nightshift.ready";
    static final String RUN_COST_DOLLARS = "nightshift.run.cost.dollars";
    static final String RUN_NODE_HOURS = "nightshift.run.node.hours";
    static final String RUN_GPU_HOURS = "nightshift.run.gpu.hours";

    /** A run execution running on this node. */
    private record Running(String job, DoubleSupplier rowsPerSecond) {
    }

    private final MeterRegistry registry;
    private final Map<Long, Running> running = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> lastSuccess = new ConcurrentHashMap<>();

    MicrometerMetrics(MeterRegistry registry) {
        this.registry = requireNonNull(registry, "registry is null");
        // Present from the start, so a rate() over them is 0 rather than absent before the first event.
        Counter.builder(LEASE_TAKEOVERS).description("Runs taken over from a previous lease holder").register(registry);
        checkpointTimer();
    }

    @Override
    public void runStarted(String job, long jobExecutionId, DoubleSupplier rowsPerSecond) {
        registerJobGauges(job);
        running.put(jobExecutionId, new Running(job, rowsPerSecond));
    }

    @Override
    public void chunkCommitted(long jobExecutionId, String model, long scored, long rejected, Duration took) {
        Running run = running.get(jobExecutionId);
        String job = run == null ? "unknown" : run.job();
        rowCounter(ROWS_READ, "Rows read by runs (scored + rejected)", job, model).increment(scored + rejected);
        rowCounter(ROWS_SCORED, "Rows scored by runs", job, model).increment(scored);
        rowCounter(ROWS_REJECTED, "Rows rejected by runs (written to the rejects output)", job, model).increment(rejected);
        checkpointTimer().record(took);
    }

    @Override
    public void runEnded(String job, long jobExecutionId, String outcome, Duration duration) {
        registerJobGauges(job);
        running.remove(jobExecutionId);
        Timer.builder(RUN_DURATION).description("Run executions by job and outcome (COMPLETED, FAILED, STOPPED...)")
                .tag("job", job).tag("outcome", outcome.toUpperCase(Locale.ROOT)).register(registry).record(duration);
        if ("COMPLETED".equalsIgnoreCase(outcome)) {
            lastSuccess.get(job).set(System.currentTimeMillis());
        }
    }

    @Override
    public void runCost(String job, double nodeHours, double gpuHours, double dollars) {
        counter(RUN_COST_DOLLARS, "Estimated dollars run executions cost, at their budget's price", job).increment(dollars);
        counter(RUN_NODE_HOURS, "Node-hours of run executions (wall time x nodes charged)", job).increment(nodeHours);
        counter(RUN_GPU_HOURS, "GPU-hours of run executions (node-hours x GPUs per node)", job).increment(gpuHours);
    }

    /**
     * The per-job gauges, once per job: rows/s and active runs summed over its running executions, and the time of its
     * last successful run (0 until one completed on this node).
     */
    private void registerJobGauges(String job) {
        lastSuccess.computeIfAbsent(job, name -> {
            Gauge.builder(ROWS_PER_SECOND, () -> running.values().stream().filter(run -> run.job().equals(name))
                    .mapToDouble(run -> run.rowsPerSecond().getAsDouble()).sum())
                    .description("Rows per second of the job's running runs").tag("job", name).register(registry);
            Gauge.builder(RUNS_ACTIVE, () -> running.values().stream().filter(run -> run.job().equals(name)).count())
                    .description("Runs of the job running on this node").tag("job", name).register(registry);
            AtomicLong completedAt = new AtomicLong();
            Gauge.builder(LAST_SUCCESS, completedAt, millis -> millis.get() / 1000.0)
                    .description("When a run of the job last completed on this node (seconds since the epoch; 0: not yet)")
                    .tag("job", name).register(registry);
            return completedAt;
        });
    }

    private Timer checkpointTimer() {
        return Timer.builder(CHECKPOINT_COMMIT).description("Writing a chunk's part files and checking its lease, before its"
                + " checkpoint commits").register(registry);
    }

    @Override
    public void leaseTakenOver() {
        registry.counter(LEASE_TAKEOVERS).increment();
    }

    @Override
    public void fire(String job, FireKind kind) {
        switch (kind) {
            case FIRED -> counter(FIRES, "Schedule fires that queued a run", job).increment();
            case MISFIRED -> counter(MISFIRES, "Schedule fires Quartz found late (past the misfire threshold)", job)
                    .increment();
            case SKIPPED -> counter(SKIPS, "Schedule fires skipped by concurrency: forbid", job).increment();
        }
    }

    @Override
    public void gateDecision(String model, String decision) {
        Counter.builder(GATE_DECISIONS).description("Promotion gate decisions by model and decision").tag("model", model)
                .tag("decision", decision.toUpperCase(Locale.ROOT)).register(registry).increment();
    }

    @Override
    public void modelLoaded(String model, Duration duration) {
        Timer.builder(MODEL_LOAD).description("Loading a model into ONNX Runtime").tag("model", model).register(registry)
                .record(duration);
    }

    @Override
    public void runsLeftForOperator(DoubleSupplier count) {
        Gauge.builder(LEFT_FOR_OPERATOR, () -> count.getAsDouble())
                .description("Runs self-healing left for an operator (relaunch or abandon them)").register(registry);
    }

    @Override
    public void executor(String name, ExecutorService executor) {
        new ExecutorServiceMetrics(executor, name, Tags.empty()).bindTo(registry);
    }

    @Override
    public void readiness(DoubleSupplier ready) {
        Gauge.builder(READY, () -> ready.getAsDouble()).description("1 while /health/ready is UP, 0 otherwise")
                .register(registry);
    }

    private Counter rowCounter(String name, String description, String job, String model) {
        return Counter.builder(name).description(description).tag("job", job).tag("model", model).register(registry);
    }

    private Counter counter(String name, String description, String job) {
        return Counter.builder(name).description(description).tag("job", job).register(registry);
    }
}
