package io.nightshift.budget;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Decides, at each checkpoint of a run, whether to stop it before its budget would be exceeded. It projects the run's
 * total from its burn rate so far (cost per row scored) over the remaining rows, and stops when the projection, or the
 * spend by the next check, passes a cap: a run is stopped while it is still under its cap, never after. The clock is
 * injected so a test can drive a run through hours in microseconds.
 *
 * <p>One guard watches one execution. Earlier executions of the same run (before a relaunch) are passed in as
 * {@code spentBefore}, so the cap is on the whole run, and rows they scored are not paid for again.
 */
public final class BudgetGuard {

    private final Budget budget;
    private final Clock clock;
    private final Instant started;
    private final RunCost spentBefore;
    private final long rowsBefore;
    /** How long until the next check: the guard stops when a cap would be passed before then. */
    private final Duration checkInterval;

    public BudgetGuard(Budget budget, Clock clock, RunCost spentBefore, long rowsBefore, Duration checkInterval) {
        this.budget = requireNonNull(budget, "budget is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.spentBefore = requireNonNull(spentBefore, "spentBefore is null");
        this.rowsBefore = rowsBefore;
        this.checkInterval = requireNonNull(checkInterval, "checkInterval is null");
        this.started = clock.instant();
    }

    /** What the run has cost so far: earlier executions plus this one up to now. */
    public RunCost spent() {
        return spentBefore.plus(RunCost.of(Duration.between(started, clock.instant()), budget.nodes(), budget));
    }

    /**
     * Why the run must stop now, or empty to go on.
     *
     * @param rowsDone  rows the run has scored or rejected, all executions
     * @param totalRows rows in the run's plan
     */
    public Optional<String> check(long rowsDone, long totalRows) {
        if (!budget.capped()) {
            return Optional.empty();
        }
        RunCost spent = spent();
        RunCost thisExecution = RunCost.of(Duration.between(started, clock.instant()), budget.nodes(), budget);
        RunCost nextCheck = spent.plus(RunCost.of(checkInterval, budget.nodes(), budget));
        long rowsNow = rowsDone - rowsBefore;
        // The burn rate of this execution only: earlier ones ran on other nodes, perhaps at another speed.
        RunCost projected = rowsNow <= 0 ? nextCheck
                : spent.plus(thisExecution.times((double) (totalRows - rowsDone) / rowsNow));
        if (budget.maxDollars() > 0 && Math.max(projected.dollars(), nextCheck.dollars()) > budget.maxDollars()) {
            return Optional.of(reason("max-dollars", "$%.2f".formatted(budget.maxDollars()), "$%.2f".formatted(spent.dollars()),
                    "$%.2f".formatted(projected.dollars())));
        }
        if (budget.maxGpuHours() > 0 && Math.max(projected.gpuHours(), nextCheck.gpuHours()) > budget.maxGpuHours()) {
            return Optional.of(reason("max-gpu-hours", "%.2f GPU-h".formatted(budget.maxGpuHours()),
                    "%.2f GPU-h".formatted(spent.gpuHours()), "%.2f GPU-h".formatted(projected.gpuHours())));
        }
        return Optional.empty();
    }

    private static String reason(String cap, String limit, String spent, String projected) {
        return "budget: budget." + cap + " is " + limit + ", spent " + spent + " so far, projected total " + projected
                + "; stopped before passing it. Raise budget." + cap + " in the job spec and relaunch";
    }
}
