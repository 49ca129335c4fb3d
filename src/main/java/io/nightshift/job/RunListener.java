package io.nightshift.job;

import io.nightshift.NightshiftProperties;
import io.nightshift.lineage.LineageRun;
import io.nightshift.lineage.RunLineage;
import io.nightshift.metrics.NightshiftMetrics;
import io.nightshift.scoring.PlanCodec;
import io.nightshift.scoring.RunCommit;
import io.nightshift.scoring.RunProgress;
import io.nightshift.scoring.ScoringPlan;
import io.nightshift.scoring.ScoringSteps;
import io.nightshift.scoring.ScoringWorkerStep;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.stereotype.Component;

/**
 * Around every run execution: takes and releases its lease, puts the run id and job into the log context (of the
 * progress reporter's thread too), and reports progress (rows done / total, rows/s, ETA) — a bar redrawn twice a
 * second when stderr is a terminal ({@link ProgressConsole}), a log line every few seconds otherwise; tells metrics
 * and lineage ({@link RunLineage}) that it started, planned and ended.
 */
@Component
final class RunListener implements JobExecutionListener {

    private static final Logger log = LoggerFactory.getLogger(RunListener.class);

    private final RunLeases leases;
    private final JobRepository jobRepository;
    private final ScoringSteps steps;
    private final Duration interval;
    private final ProgressConsole console;
    private final NightshiftMetrics metrics;
    private final RunLineage lineage;
    private final ScheduledExecutorService reporter = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "progress");
        thread.setDaemon(true);
        return thread;
    });
    private final Map<Long, ScheduledFuture<?>> reports = new ConcurrentHashMap<>();

    RunListener(RunLeases leases, ScoringSteps steps, NightshiftProperties properties, JobRepository jobRepository,
            ProgressConsole console, NightshiftMetrics metrics, RunLineage lineage) {
        this.jobRepository = jobRepository;
        this.metrics = metrics;
        this.lineage = lineage;
        this.console = console;
        this.leases = leases;
        this.steps = steps;
        this.interval = properties.progressInterval();
    }

    @Override
    public void beforeJob(JobExecution jobExecution) {
        long runId = jobExecution.getJobInstance().getInstanceId();
        leases.attach(runId, jobExecution.getId());
        forgetPreviousReason(jobExecution);
        restoreFromCompletedSteps(jobExecution);
        metrics.runStarted(jobName(jobExecution), jobExecution.getId(), () -> rowsPerSecond(jobExecution));
        putLogContext(jobExecution);
        lineage.started(lineageRun(jobExecution));
        log.info("Run {} started (execution {}, pid {})", runId, jobExecution.getId(), ProcessHandle.current().pid());
        long period = console.terminal() ? 500 : interval.toMillis();
        reports.put(jobExecution.getId(), reporter.scheduleAtFixedRate(() -> report(jobExecution, false), period, period,
                TimeUnit.MILLISECONDS));
    }

    /**
     * This thread's and the heartbeat's log context: run id and job, and the model when the run is planned already (a
     * relaunch); a first execution adds the model once its plan step has planned ({@link #planned}).
     */
    private void putLogContext(JobExecution jobExecution) {
        Map<String, String> context = RunLogContext.of(jobExecution, steps);
        RunLogContext.put(context);
        leases.logContext(jobExecution.getJobInstance().getInstanceId(), context);
    }

    /** The plan step has put the plan into the execution's context: from now on the run's lines name the model. */
    void planned(JobExecution jobExecution) {
        putLogContext(jobExecution);
        lineage.planned(lineageRun(jobExecution));
    }

    private static String jobName(JobExecution jobExecution) {
        return jobExecution.getJobParameters().getString(ScoringJobConfiguration.JOB_SPEC_NAME, "score");
    }

    /** What lineage is told of this execution now: its plan and summary once there, its outcome once it ended. */
    private LineageRun lineageRun(JobExecution jobExecution) {
        var context = jobExecution.getExecutionContext();
        ScoringPlan plan = context.containsKey(ScoringWorkerStep.PLAN_KEY)
                ? steps.plan(context.getString(ScoringWorkerStep.PLAN_KEY)) : null;
        RunCommit.Summary summary = context.containsKey(ScoringJobConfiguration.SUMMARY_KEY)
                ? PlanCodec.summary(context.getString(ScoringJobConfiguration.SUMMARY_KEY)) : null;
        boolean ended = !jobExecution.getStatus().isRunning();
        return new LineageRun(jobExecution.getJobInstance().getInstanceId(), jobName(jobExecution), plan, summary,
                ended ? jobExecution.getStatus().name() : null, ended ? RunReasons.of(jobExecution) : null);
    }

    /** This execution's live rate (0 before it has a plan, and for runs that are not scoring runs). */
    private double rowsPerSecond(JobExecution jobExecution) {
        if (!jobExecution.getExecutionContext().containsKey(ScoringWorkerStep.PLAN_KEY)) {
            return 0;
        }
        ScoringPlan plan = steps.plan(jobExecution.getExecutionContext().getString(ScoringWorkerStep.PLAN_KEY));
        return steps.progress(plan, jobExecution).rowsPerSecond();
    }

    /**
     * A relaunch's execution starts with a copy of the previous execution's context, which holds why that one
     * ended; this one has not ended, and must not be shown that reason if it dies without recording its own.
     */
    private void forgetPreviousReason(JobExecution jobExecution) {
        var context = jobExecution.getExecutionContext();
        if (context.containsKey(RunReasons.REASON_KEY) || context.containsKey(RunReasons.DISPOSITION_KEY)
                || context.containsKey(RunReasons.STOPPED_BY_KEY)) {
            context.remove(RunReasons.REASON_KEY);
            context.remove(RunReasons.DISPOSITION_KEY);
            context.remove(RunReasons.STOPPED_BY_KEY);
            jobRepository.updateExecutionContext(jobExecution);
        }
    }

    /**
     * Spring Batch saves the job's context only after a step is marked COMPLETED; a process killed in between leaves
     * a completed plan (or commit) step whose result is missing from the job's context. Both steps also keep their
     * result in their own context, committed with the step, so a relaunch copies it back before anything reads it.
     */
    private void restoreFromCompletedSteps(JobExecution jobExecution) {
        restore(jobExecution, "plan", ScoringWorkerStep.PLAN_KEY);
        restore(jobExecution, "commit", ScoringJobConfiguration.SUMMARY_KEY);
    }

    private void restore(JobExecution jobExecution, String stepName, String key) {
        if (jobExecution.getExecutionContext().containsKey(key)) {
            return;
        }
        StepExecution step = jobRepository.getLastStepExecution(jobExecution.getJobInstance(), stepName);
        if (step != null && step.getStatus() == BatchStatus.COMPLETED && step.getExecutionContext().containsKey(key)) {
            log.warn("Restoring {} of run {} from its completed {} step (the process died before saving it with the run)",
                    key, jobExecution.getJobInstance().getInstanceId(), stepName);
            jobExecution.getExecutionContext().putString(key, step.getExecutionContext().getString(key));
            jobRepository.updateExecutionContext(jobExecution);
        }
    }

    @Override
    public void afterJob(JobExecution jobExecution) {
        ScheduledFuture<?> report = reports.remove(jobExecution.getId());
        if (report != null) {
            report.cancel(false);
        }
        report(jobExecution, true);
        LocalDateTime started = jobExecution.getStartTime() != null ? jobExecution.getStartTime() : LocalDateTime.now();
        LocalDateTime ended = jobExecution.getEndTime() != null ? jobExecution.getEndTime() : LocalDateTime.now();
        metrics.runEnded(jobName(jobExecution), jobExecution.getId(), jobExecution.getStatus().name(),
                Duration.between(started, ended));
        lineage.ended(lineageRun(jobExecution));
        leases.release(jobExecution.getJobInstance().getInstanceId());
        RunLogContext.remove();
    }

    private void report(JobExecution jobExecution, boolean last) {
        boolean reporterThread = MDC.get(RunLogContext.RUN_ID) == null;
        if (reporterThread) {
            RunLogContext.put(RunLogContext.of(jobExecution, steps));
        }
        try {
            if (!jobExecution.getExecutionContext().containsKey(ScoringWorkerStep.PLAN_KEY)) {
                return;
            }
            ScoringPlan plan = steps.plan(jobExecution.getExecutionContext().getString(ScoringWorkerStep.PLAN_KEY));
            RunProgress progress = steps.progress(plan, jobExecution);
            long runId = jobExecution.getJobInstance().getInstanceId();
            if (console.terminal()) {
                console.draw(ProgressLine.format(runId, progress, console.width()));
                if (last) {
                    console.end();
                }
            } else if (!last) {
                log.info(ProgressLine.format(runId, progress, Integer.MAX_VALUE));
            }
        } catch (RuntimeException e) {
            log.debug("Cannot report progress: {}", e.getMessage());
        } finally {
            if (reporterThread) {
                RunLogContext.remove();
            }
        }
    }
}
