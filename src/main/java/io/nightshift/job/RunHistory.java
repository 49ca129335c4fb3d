package io.nightshift.job;

import io.nightshift.scoring.PlanCodec;
import io.nightshift.scoring.ScoringWorkerStep;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.stereotype.Service;

/**
 * Every run of the job repository, reduced to what deciding about the home's files needs ({@code nightshift gc}):
 * whether it can still be relaunched, when it last started, and the model its plan pinned.
 */
@Service
public final class RunHistory {

    private final JobRepository jobRepository;

    RunHistory(JobRepository jobRepository) {
        this.jobRepository = jobRepository;
    }

    /**
     * One run.
     *
     * @param status       its last execution's status ({@code COMPLETED}, {@code FAILED}, ...); {@code NOT STARTED} when
     *                     its process died before the first execution existed
     * @param relaunchable whether {@code nightshift relaunch} may still resume it: it has an execution, and that is
     *                     neither COMPLETED nor ABANDONED (a running or dead-owner run counts)
     * @param lastStarted  when its last execution started (or was created); null without executions
     * @param modelSha256  the model its plan pinned; null before the run was planned
     */
    public record Entry(long runId, String status, boolean relaunchable, Instant lastStarted, String modelSha256) {
    }

    public List<Entry> all() {
        List<Entry> entries = new ArrayList<>();
        for (JobInstance instance : jobRepository.getJobInstances(ScoringJobConfiguration.JOB_NAME, 0, Integer.MAX_VALUE)) {
            entries.add(entry(instance));
        }
        return entries;
    }

    private Entry entry(JobInstance instance) {
        JobExecution last = jobRepository.getLastJobExecution(instance);
        if (last == null) {
            return new Entry(instance.getInstanceId(), "NOT STARTED", false, null, null);
        }
        BatchStatus status = last.getStatus();
        boolean relaunchable = status != BatchStatus.COMPLETED && status != BatchStatus.ABANDONED;
        LocalDateTime started = last.getStartTime() != null ? last.getStartTime() : last.getCreateTime();
        return new Entry(instance.getInstanceId(), status.name(), relaunchable,
                started == null ? null : started.atZone(ZoneId.systemDefault()).toInstant(), modelSha256(instance, last));
    }

    /** From the plan the last execution carries, or the plan step's if the process died before copying it (as relaunch reads it). */
    private String modelSha256(JobInstance instance, JobExecution last) {
        String plan = plan(last.getExecutionContext());
        if (plan == null) {
            StepExecution planStep = jobRepository.getLastStepExecution(instance, "plan");
            plan = planStep == null || planStep.getStatus() != BatchStatus.COMPLETED ? null : plan(planStep.getExecutionContext());
        }
        return plan == null ? null : PlanCodec.plan(plan).model().sha256();
    }

    private static String plan(ExecutionContext context) {
        return context.containsKey(ScoringWorkerStep.PLAN_KEY) ? context.getString(ScoringWorkerStep.PLAN_KEY) : null;
    }
}
