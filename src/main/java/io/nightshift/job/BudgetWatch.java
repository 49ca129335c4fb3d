package io.nightshift.job;

import io.nightshift.NightshiftProperties;
import io.nightshift.budget.Budget;
import io.nightshift.budget.BudgetClock;
import io.nightshift.budget.BudgetGuard;
import io.nightshift.budget.RunCost;
import io.nightshift.metrics.NightshiftMetrics;
import io.nightshift.scoring.RunProgress;
import io.nightshift.scoring.ScoringPlan;
import io.nightshift.scoring.ScoringSettings;
import io.nightshift.scoring.ScoringSteps;
import io.nightshift.scoring.ScoringWorkerStep;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * The budget of every scoring run this process executes (a local run, or the manager of a remote one): while it runs,
 * a {@link BudgetGuard} checks it every {@code nightshift.budget.check-interval} and stops it after its current chunk
 * before a cap would be passed (STOPPED, reason "budget: …", left for an operator to relaunch with a raised cap); when
 * it ends, what the execution cost is recorded with it and reported to metrics. The budget is the run's own, as stored
 * with it (a relaunch may have raised it), not the job spec's of today.
 */
@Component
final class BudgetWatch implements JobExecutionListener {

    private static final Logger log = LoggerFactory.getLogger(BudgetWatch.class);

    /** One execution being watched: its budget, when it started on the budget's clock, and its guard once planned. */
    private static final class Watched {
        final ScoringSettings settings;
        final Instant started;
        volatile BudgetGuard guard;
        volatile int nodes = 1;
        volatile ScheduledFuture<?> check;

        Watched(ScoringSettings settings, Instant started) {
            this.settings = settings;
            this.started = started;
        }
    }

    private final RunStore store;
    private final JobRepository jobRepository;
    private final ScoringSteps steps;
    private final Clock clock;
    private final Duration interval;
    private final NightshiftMetrics metrics;
    private final ObjectProvider<Runs> runs;
    private final Map<Long, Watched> watched = new ConcurrentHashMap<>();
    private final ScheduledExecutorService checker = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "budget");
        thread.setDaemon(true);
        return thread;
    });

    BudgetWatch(RunStore store, JobRepository jobRepository, ScoringSteps steps, BudgetClock clock, NightshiftProperties properties,
            NightshiftMetrics metrics, ObjectProvider<Runs> runs) {
        this.store = store;
        this.jobRepository = jobRepository;
        this.steps = steps;
        this.clock = clock.clock();
        this.interval = properties.budget().checkInterval();
        this.metrics = metrics;
        this.runs = runs;
    }

    @Override
    public void beforeJob(JobExecution jobExecution) {
        String runKey = jobExecution.getJobParameters().getString(ScoringJobConfiguration.RUN_KEY);
        Optional<ScoringSettings> settings = store.settings(runKey);
        if (settings.isEmpty()) {
            return;
        }
        Watched run = new Watched(settings.get(), clock.instant());
        watched.put(jobExecution.getId(), run);
        if (settings.get().budget().capped()) {
            run.check = checker.scheduleWithFixedDelay(() -> check(jobExecution, run), interval.toMillis(), interval.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
    }

    /** The guard's decision now; stops the run (once) when it says so. */
    private void check(JobExecution jobExecution, Watched run) {
        try {
            BudgetGuard guard = guard(jobExecution, run);
            if (guard == null) {
                return;
            }
            ScoringPlan plan = plan(jobExecution);
            RunProgress progress = steps.progress(plan, jobExecution);
            Optional<BudgetGuard.Stop> stop = guard.check(progress.rowsThisAttempt(), plan.totalRows() - progress.rowsDone());
            if (stop.isPresent()) {
                run.check.cancel(false);
                log.warn("Run {}: stopping it after its current chunk, before its budget is passed: {}",
                        jobExecution.getJobInstance().getInstanceId(), stop.get().reason());
                runs.getObject().stopForBudget(jobExecution.getId(), stop.get());
            }
        } catch (RuntimeException e) {
            log.warn("Cannot check the budget of execution {}: {}", jobExecution.getId(), e.getMessage());
        }
    }

    /** The execution's guard, made once its plan says how many nodes it is charged for; null before. */
    private BudgetGuard guard(JobExecution jobExecution, Watched run) {
        if (run.guard == null) {
            ScoringPlan plan = plan(jobExecution);
            if (plan == null) {
                return null;
            }
            run.nodes = run.settings.nodesCharged(plan.partitions().size());
            run.guard = new BudgetGuard(run.settings.budget(), run.nodes, clock, run.started, spentBefore(jobExecution, run),
                    interval.multipliedBy(2));
        }
        return run.guard;
    }

    /** What the run's earlier executions cost (before this relaunch). */
    private RunCost spentBefore(JobExecution jobExecution, Watched run) {
        List<JobExecution> earlier = new ArrayList<>(jobRepository.getJobExecutions(jobExecution.getJobInstance()));
        earlier.removeIf(execution -> execution.getId() >= jobExecution.getId());
        return RunCosts.of(earlier, run.settings.budget(), run.nodes);
    }

    private static ScoringPlan plan(JobExecution jobExecution) {
        var context = jobExecution.getExecutionContext();
        return context.containsKey(ScoringWorkerStep.PLAN_KEY) ? io.nightshift.scoring.PlanCodec.plan(context.getString(ScoringWorkerStep.PLAN_KEY))
                : null;
    }

    /** What the whole run has cost up to now (earlier executions and this one), e.g. for its manifest; ZERO if unwatched. */
    RunCost spentSoFar(JobExecution jobExecution) {
        Watched run = watched.get(jobExecution.getId());
        if (run == null) {
            return RunCost.ZERO;
        }
        BudgetGuard guard = guard(jobExecution, run);
        return guard == null ? thisExecution(run) : guard.spent();
    }

    private RunCost thisExecution(Watched run) {
        return run.guard != null ? run.guard.spentThisExecution()
                : RunCost.of(Duration.between(run.started, clock.instant()), run.nodes, run.settings.budget());
    }

    @Override
    public void afterJob(JobExecution jobExecution) {
        Watched run = watched.remove(jobExecution.getId());
        if (run == null) {
            return;
        }
        if (run.check != null) {
            run.check.cancel(false);
        }
        guard(jobExecution, run);
        RunCost cost = thisExecution(run);
        try {
            RunCosts.record(jobExecution, cost);
            jobRepository.updateExecutionContext(jobExecution);
        } catch (RuntimeException e) {
            log.warn("Cannot record what execution {} cost ({}): {}", jobExecution.getId(), cost.display(), e.getMessage());
        }
        metrics.runCost(jobExecution.getJobParameters().getString(ScoringJobConfiguration.JOB_SPEC_NAME, "score"), cost.nodeHours(),
                cost.gpuHours(), cost.dollars());
        Budget budget = run.settings.budget();
        if (!budget.equals(Budget.NONE)) {
            log.info("Run {} execution {} cost {}", jobExecution.getJobInstance().getInstanceId(), jobExecution.getId(), cost.display());
        }
    }
}
