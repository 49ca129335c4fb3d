package io.nightshift.job;

import io.nightshift.metrics.NightshiftMetrics;
import io.nightshift.NightshiftProperties;
import io.nightshift.budget.RunCost;
import io.nightshift.commit.Manifest;
import io.nightshift.commit.OutputCommitter;
import io.nightshift.scoring.IndexPartitioner;
import io.nightshift.scoring.PlanCodec;
import io.nightshift.scoring.PlanPartitionHandler;
import io.nightshift.scoring.RunCommit;
import io.nightshift.scoring.ScoringPlan;
import io.nightshift.scoring.ScoringPlanner;
import io.nightshift.scoring.ScoringSettings;
import io.nightshift.scoring.ScoringSteps;
import io.nightshift.scoring.ScoringWorkerStep;
import java.time.Clock;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.partition.PartitionHandler;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * The scoring job: {@code plan} (list inputs, check schemas and model, save the plan with the run) →
 * {@code score} (partitions on local threads or, with {@code partitions.mode: remote}, on {@code nightshift worker}
 * processes; each checkpointing per commit interval) → {@code commit} (invariant,
 * orphans, manifest). A relaunch skips completed steps and partitions and resumes the rest from their checkpoints.
 */
@Configuration(proxyBeanMethods = false)
class ScoringJobConfiguration {

    static final String JOB_NAME = "scoring";
    static final String RUN_KEY = "run.key";
    static final String JOB_SPEC_NAME = "job.name";
    /** A scheduled run's fire time (ISO instant), identifying with the job name: one fire, one run. */
    static final String FIRE_TIME = "fire.time";
    static final String SUMMARY_KEY = "nightshift.summary";

    @Bean
    RunStore runStore(JdbcTemplate jdbc, PlatformTransactionManager transactionManager) {
        return new RunStore(jdbc, new org.springframework.transaction.support.TransactionTemplate(transactionManager));
    }

    @Bean(destroyMethod = "close")
    RunLeases runLeases(JdbcTemplate jdbc, Clock clock, NightshiftProperties properties, NightshiftMetrics metrics) {
        return new RunLeases(jdbc, clock, properties.lease().heartbeat(), properties.lease().timeout(), metrics);
    }

    @Bean
    OutputClaims outputClaims(OutputCommitter committer, JobRepository jobRepository, ObjectProvider<Runs> runs) {
        // Through a provider: Runs needs the job, whose plan step needs the claims.
        return new OutputClaims(committer, jobRepository, runId -> runs.getObject().describe(runId).progressSummary());
    }

    @Bean
    RunCommit runCommit(JobRepository jobRepository, OutputCommitter committer) {
        return new RunCommit(jobRepository, committer);
    }

    @Bean
    ScoringWorkerStep scoringWorkerStep(JobRepository jobRepository, PlatformTransactionManager transactionManager, ScoringSteps steps) {
        return new ScoringWorkerStep(jobRepository, transactionManager, steps);
    }

    @Bean
    Job scoringJob(JobRepository jobRepository, PlatformTransactionManager transactionManager, RunStore runs, ScoringPlanner planner,
            ScoringSteps steps, ScoringWorkerStep workerStep, RunCommit commit, RunListener listener, OutputClaims claims,
            RunLeases leases, RemotePartitionHandler remote, BudgetWatch budget) {
        Step plan = new StepBuilder("plan", jobRepository)
                .tasklet((contribution, chunkContext) -> {
                    JobExecution jobExecution = contribution.getStepExecution().getJobExecution();
                    String runKey = jobExecution.getJobParameters().getString(RUN_KEY);
                    ScoringSettings settings = runs.settings(runKey)
                            .orElseThrow(() -> new IllegalStateException("No settings stored for run key " + runKey));
                    ScoringPlan scoringPlan = planner.plan(runKey, settings);
                    // Before any part is written: the output is this run's until it commits or is abandoned.
                    claims.claim(scoringPlan.outputUri(), jobExecution.getJobInstance().getInstanceId(), runKey,
                            jobExecution.getJobParameters().getString(JOB_SPEC_NAME, "score"), settings.overwrite());
                    String planJson = PlanCodec.toJson(scoringPlan);
                    jobExecution.getExecutionContext().putString(ScoringWorkerStep.PLAN_KEY, planJson);
                    // Also in the step's own context, which commits with the step: the job's context is saved only
                    // after the step is marked COMPLETED, and a kill in between must not lose the plan.
                    contribution.getStepExecution().getExecutionContext().putString(ScoringWorkerStep.PLAN_KEY, planJson);
                    listener.planned(jobExecution);
                    return RepeatStatus.FINISHED;
                }, transactionManager)
                .build();
        Step score = new StepBuilder("score", jobRepository)
                .partitioner(ScoringWorkerStep.NAME, new IndexPartitioner())
                .partitionHandler(partitionHandler(new PlanPartitionHandler(workerStep, steps), remote, steps))
                .build();
        Step commitStep = new StepBuilder("commit", jobRepository)
                .tasklet((contribution, chunkContext) -> {
                    JobExecution jobExecution = contribution.getStepExecution().getJobExecution();
                    ScoringPlan scoringPlan = steps.plan(jobExecution.getExecutionContext().getString(ScoringWorkerStep.PLAN_KEY));
                    String jobName = jobExecution.getJobParameters().getString(JOB_SPEC_NAME, "score");
                    long runId = jobExecution.getJobInstance().getInstanceId();
                    // In this step's transaction: no takeover can slip between this check and the commit's end.
                    leases.check(runId);
                    RunCost cost = budget.spentSoFar(jobExecution);
                    RunCommit.Summary summary = commit.commit(scoringPlan, jobExecution.getJobInstance(), jobName, leases.epoch(runId),
                            new Manifest.Cost(cost.nodeHours(), cost.gpuHours(), cost.dollars(), scoringPlan.settings().budget().pricingSource()));
                    String summaryJson = PlanCodec.toJson(summary);
                    jobExecution.getExecutionContext().putString(SUMMARY_KEY, summaryJson);
                    contribution.getStepExecution().getExecutionContext().putString(SUMMARY_KEY, summaryJson);
                    return RepeatStatus.FINISHED;
                }, transactionManager)
                .build();
        return new JobBuilder(JOB_NAME, jobRepository)
                .listener(listener)
                .listener(budget)
                .start(plan)
                .next(score)
                .next(commitStep)
                .build();
    }

    /** Each run's plan says where its partitions run: this process's threads, or remote workers (partitions.mode). */
    private static PartitionHandler partitionHandler(PartitionHandler local, PartitionHandler remote, ScoringSteps steps) {
        return (splitter, managerStepExecution) -> {
            ScoringPlan plan = steps.plan(managerStepExecution.getJobExecution().getExecutionContext().getString(ScoringWorkerStep.PLAN_KEY));
            return (plan.settings().partitions().remote() ? remote : local).handle(splitter, managerStepExecution);
        };
    }
}
