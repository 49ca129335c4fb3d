package io.nightshift.scoring;

import io.nightshift.model.LoadedModel;
import io.nightshift.model.ModelArtifact;
import io.nightshift.model.ModelResolver;
import io.nightshift.model.ModelSpec;
import io.nightshift.metrics.NightshiftMetrics;
import io.nightshift.parquet.WriterOptions;
import io.nightshift.storage.Storage;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.step.StepExecution;

/**
 * Builds the reader, processor and writer of one partition's step execution from the run's plan. Plans are parsed
 * and models resolved once per run, models loaded once per process; each partition gets its own reader, writer and
 * predictor.
 */
public final class ScoringSteps {

    public static final String READER_NAME = "partition-reader";
    public static final String WRITER_NAME = "part-writer";

    private final Storage storage;
    private final ModelResolver models;
    private final LoadedModels loadedModels;
    private final WriterOptions writerOptions;
    private final RunFence fence;
    private final NightshiftMetrics metrics;
    /** Keyed by the plan's JSON as the execution context holds it: the same string for every reader of a run. */
    private final ConcurrentHashMap<String, ScoringPlan> plans = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, ModelArtifact> artifacts = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, RunProgress> progress = new ConcurrentHashMap<>();

    public ScoringSteps(Storage storage, ModelResolver models, LoadedModels loadedModels, WriterOptions writerOptions, RunFence fence,
            NightshiftMetrics metrics) {
        this.storage = storage;
        this.metrics = metrics;
        this.fence = fence;
        this.models = models;
        this.loadedModels = loadedModels;
        this.writerOptions = writerOptions;
    }

    public ScoringPlan plan(String planJson) {
        return plans.computeIfAbsent(planJson, PlanCodec::plan);
    }

    /**
     * The progress of a run's execution in this process, created on first use; its rate counts from the start of
     * {@code execution}, so the live rate and the summary's throughput are the same measure.
     */
    public RunProgress progress(ScoringPlan plan, JobExecution execution) {
        java.time.Instant started = execution.getStartTime() == null ? java.time.Instant.now()
                : execution.getStartTime().atZone(java.time.ZoneId.systemDefault()).toInstant();
        return progress.computeIfAbsent(plan.runKey(), key -> new RunProgress(plan.totalRows(), started));
    }

    public void forget(String runKey) {
        plans.values().removeIf(plan -> plan.runKey().equals(runKey));
        artifacts.remove(runKey);
        progress.remove(runKey);
    }

    /** Rows a partition's step execution context says are committed (scored + rejected): where an attempt resumes. */
    public static long committedRows(StepExecution stepExecution) {
        PartWriter.CommittedPartition committed = PartWriter.committed(WRITER_NAME, stepExecution.getExecutionContext());
        return committed.rowsScored() + committed.rowsRejected();
    }

    public PartitionReader reader(ScoringPlan plan, int partition, long runId) {
        return new PartitionReader(READER_NAME, storage, plan, partition, runId);
    }

    /**
     * Checks, before a relaunch scores anything, that every input is still the file the run was planned on; a
     * changed one fails with a configuration error naming it and what changed (nothing was written).
     */
    public void verifyInputs(ScoringPlan plan, long runId) {
        for (ScoringPlan.PlannedFile file : plan.files()) {
            InputPins.verify(storage, file, "Cannot resume run " + runId);
        }
    }

    public ScoringProcessor processor(ScoringPlan plan) {
        // Once per run, not per partition: resolving reads the whole model file and hashes it.
        ModelArtifact artifact = artifacts.computeIfAbsent(plan.runKey(),
                key -> models.resolvePinned(plan.model().location(), plan.model().sha256()));
        List<ModelSpec.FeatureSpec> features = artifact.spec().features().isEmpty()
                ? plan.featureNames().stream().map(ModelSpec.FeatureSpec::plain).toList()
                : artifact.spec().features();
        LoadedModel model = loadedModels.get(artifact, features, plan.settings());
        return new ScoringProcessor(model, plan);
    }

    public PartWriter writer(ScoringPlan plan, int partition, StepExecution stepExecution) {
        long runId = stepExecution.getJobExecution().getJobInstance().getInstanceId();
        return new PartWriter(WRITER_NAME, storage, plan, partition, new PartNames(runId, plan.runKey(), fence.epoch(runId), stepExecution.getId()),
                writerOptions, progress(plan, stepExecution.getJobExecution()), fence, (scored, rejected, took) -> metrics
                        .chunkCommitted(stepExecution.getJobExecutionId(), modelName(plan), scored, rejected, took));
    }

    /** The model's tag in metrics: its registered name, or the file's for a bare model. */
    private static String modelName(ScoringPlan plan) {
        return plan.model().name() != null ? plan.model().name() : plan.model().location();
    }
}
