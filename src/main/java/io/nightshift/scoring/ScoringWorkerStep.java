package io.nightshift.scoring;

import org.springframework.batch.core.job.JobInterruptedException;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.core.step.item.ChunkOrientedStep;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * The step one partition runs. Partitions run concurrently on one Step object, and each needs its own reader,
 * predictor and writer sized by its run's settings, so every execution builds a fresh chunk-oriented step
 * (cheap) instead of sharing stateful components through scoped proxies.
 */
public final class ScoringWorkerStep implements Step {

    public static final String NAME = "score-partition";
    public static final String PLAN_KEY = "nightshift.plan";

    private final JobRepository jobRepository;
    private final PlatformTransactionManager transactionManager;
    private final ScoringSteps steps;

    public ScoringWorkerStep(JobRepository jobRepository, PlatformTransactionManager transactionManager, ScoringSteps steps) {
        this.jobRepository = jobRepository;
        this.transactionManager = transactionManager;
        this.steps = steps;
    }

    @Override
    public String getName() {
        return NAME;
    }

    /**
     * The partition a step execution scores, from its name ({@code score-partition:partition-00007}). Not from its
     * execution context: a process killed between Spring Batch creating the partition step executions and saving
     * their contexts leaves executions with empty contexts, which a relaunch restores as they are (found by the
     * SIGKILL test). An empty context is otherwise right — nothing of that partition was committed.
     */
    public static int partitionIndex(StepExecution stepExecution) {
        String name = stepExecution.getStepName();
        int dash = name.lastIndexOf('-');
        if (!name.startsWith(NAME + ":partition-") || dash < 0) {
            throw new IllegalStateException("Not a partition of " + NAME + ": step execution " + name);
        }
        return Integer.parseInt(name.substring(dash + 1));
    }

    @Override
    public void execute(StepExecution stepExecution) throws JobInterruptedException {
        ScoringPlan plan = steps.plan(stepExecution.getJobExecution().getExecutionContext().getString(PLAN_KEY));
        int partition = partitionIndex(stepExecution);
        long runId = stepExecution.getJobExecution().getJobInstance().getInstanceId();
        ScoringReader reader = new ScoringReader(steps.reader(plan, partition, runId), steps.processor(plan));
        ChunkOrientedStep<ScoredBatch, ScoredBatch> step = new StepBuilder(NAME, jobRepository)
                .<ScoredBatch, ScoredBatch>chunk(plan.settings().batchesPerCommit())
                .transactionManager(transactionManager)
                .reader(reader)
                .writer(steps.writer(plan, partition, stepExecution))
                .build();
        step.execute(stepExecution);
    }
}
