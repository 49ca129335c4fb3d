package io.nightshift.job;

import io.nightshift.scoring.ScoringPlan;
import io.nightshift.scoring.ScoringSteps;
import io.nightshift.scoring.ScoringWorkerStep;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.MDC;
import org.springframework.batch.core.job.JobExecution;

/**
 * The log context (MDC) that every line of a run carries, in the text pattern and in the prod profile's JSON: the
 * run id, the job, and once the run is planned the pinned model ({@code name@version}); partition threads add their
 * partition ({@code scoring/PartitionReader}). Threads that work for a run (the job's thread, the progress reporter,
 * the lease heartbeat) set it from here; partition threads copy it from the job's thread.
 */
final class RunLogContext {

    static final String RUN_ID = "runId";
    static final String JOB = "job";
    static final String MODEL = "model";

    private RunLogContext() {
    }

    /** The context of a run's execution: run id and job, and the model once the plan is in the execution's context. */
    static Map<String, String> of(JobExecution jobExecution, ScoringSteps steps) {
        Map<String, String> context = new LinkedHashMap<>();
        context.put(RUN_ID, Long.toString(jobExecution.getJobInstance().getInstanceId()));
        context.put(JOB, jobExecution.getJobParameters().getString(ScoringJobConfiguration.JOB_SPEC_NAME, "score"));
        if (jobExecution.getExecutionContext().containsKey(ScoringWorkerStep.PLAN_KEY)) {
            ScoringPlan plan = steps.plan(jobExecution.getExecutionContext().getString(ScoringWorkerStep.PLAN_KEY));
            context.put(MODEL, plan.model().reference());
        }
        return context;
    }

    /** Puts a run's context into this thread's MDC. */
    static void put(Map<String, String> context) {
        context.forEach(MDC::put);
    }

    /** Removes a run's context from this thread's MDC. */
    static void remove() {
        MDC.remove(RUN_ID);
        MDC.remove(JOB);
        MDC.remove(MODEL);
    }
}
