package io.nightshift.budget;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Decides, at each check of a running execution, whether to stop the run before its budget would be exceeded. It
 * projects the run's total from this execution's burn rate (cost per row scored) over the remaining rows, and stops
 * when the projection, or the spend by the next check, passes a cap: a run is stopped while it is still under its cap,
 * never after. The clock is injected so a test can drive a run through hours in seconds.
 *
 * <p>One guard watches one execution. What earlier executions of the same run cost (before a relaunch) is passed in as
 * {@code spentBefore}, so the cap is on the whole run; the rows they scored are not counted again.
 */
public final class BudgetGuard {

    private final Budget budget;
    private final int nodes;
    private final Clock clock;
    private final Instant started;
    private final RunCost spentBefore;
    /** How long until the next check, plus the chunk a stop lets finish: the guard stops when a cap would be passed by then. */
    private final Duration checkInterval;

    /**
     * @param nodes         nodes the run is charged for (see {@code ScoringSettings#nodesCharged})
     * @param started       when this execution started, on {@code clock}
     * @param checkInterval the margin the guard keeps: time to its next check and to the end of the current chunk
     */
    public BudgetGuard(Budget budget, int nodes, Clock clock, Instant started, RunCost spentBefore, Duration checkInterval) {
        this.budget = requireNonNull(budget, "budget is null");
        this.nodes = nodes;
        this.clock = requireNonNull(clock, "clock is null");
        this.started = requireNonNull(started, "started is null");
        this.spentBefore = requireNonNull(spentBefore, "spentBefore is null");
        this.checkInterval = requireNonNull(checkInterval, "checkInterval is null");
    }

    /** A guard for an execution that starts now. */
    public BudgetGuard(Budget budget, int nodes, Clock clock, RunCost spentBefore, Duration checkInterval) {
        this(budget, nodes, clock, clock.instant(), spentBefore, checkInterval);
    }

    /** What this execution has cost up to now. */
    public RunCost spentThisExecution() {
        return RunCost.of(Duration.between(started, clock.instant()), nodes, budget);
    }

    /** What the run has cost so far: earlier executions plus this one up to now. */
    public RunCost spent() {
        return spentBefore.plus(spentThisExecution());
    }

    /**
     * Why a guard stops a run ({@code budget.max-dollars is $10.00, spent $4.00 so far, projected total $13.33}), and the
     * raised cap a relaunch would need ({@code --max-dollars 16}: the projection and a fifth more).
     */
    public record Stop(String reason, String relaunchOption) {
    }

    /**
     * Why the run must stop now, or empty to go on.
     *
     * @param rowsThisExecution rows this execution has scored or rejected (its burn rate's denominator)
     * @param rowsRemaining     rows of the run not yet scored by any execution
     */
    public Optional<Stop> check(long rowsThisExecution, long rowsRemaining) {
        if (!budget.capped()) {
            return Optional.empty();
        }
        RunCost thisExecution = spentThisExecution();
        RunCost spent = spentBefore.plus(thisExecution);
        RunCost nextCheck = spent.plus(RunCost.of(checkInterval, nodes, budget));
        // The burn rate of this execution only: earlier ones ran on other nodes, perhaps at another speed.
        RunCost projected = rowsThisExecution <= 0 ? nextCheck
                : spent.plus(thisExecution.times((double) Math.max(0, rowsRemaining) / rowsThisExecution));
        if (budget.maxDollars() > 0 && Math.max(projected.dollars(), nextCheck.dollars()) > budget.maxDollars()) {
            double needed = Math.max(projected.dollars(), nextCheck.dollars());
            return Optional.of(stop("max-dollars", "$%.2f".formatted(budget.maxDollars()), "$%.2f".formatted(spent.dollars()),
                    "$%.2f".formatted(projected.dollars()), "--max-dollars " + roundUp(needed * 1.2)));
        }
        if (budget.maxGpuHours() > 0 && Math.max(projected.gpuHours(), nextCheck.gpuHours()) > budget.maxGpuHours()) {
            double needed = Math.max(projected.gpuHours(), nextCheck.gpuHours());
            return Optional.of(stop("max-gpu-hours", "%.2f GPU-h".formatted(budget.maxGpuHours()),
                    "%.2f GPU-h".formatted(spent.gpuHours()), "%.2f GPU-h".formatted(projected.gpuHours()),
                    "--max-gpu-hours " + roundUp(needed * 1.2)));
        }
        return Optional.empty();
    }

    /** A cap to suggest: two significant figures, rounded up ({@code 13.4 → 14}, {@code 0.123 → 0.13}). */
    static String roundUp(double value) {
        if (value <= 0) {
            return "1";
        }
        return new java.math.BigDecimal(value).round(new java.math.MathContext(2, java.math.RoundingMode.UP))
                .stripTrailingZeros().toPlainString();
    }

    private static Stop stop(String cap, String limit, String spent, String projected, String option) {
        return new Stop("budget." + cap + " is " + limit + ", spent " + spent + " so far, projected total " + projected, option);
    }
}
