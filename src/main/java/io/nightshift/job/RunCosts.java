package io.nightshift.job;

import io.nightshift.budget.Budget;
import io.nightshift.budget.RunCost;
import io.nightshift.scoring.ScoringSettings;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.infrastructure.item.ExecutionContext;

/**
 * What a run has cost, execution by execution. An execution that ended in its own process recorded its cost with
 * itself ({@link #record}), measured on the clock its budget guard read. One that did not (its process was killed) is
 * charged from what the job repository knows: from its start to its end, or to its last update when it never ended;
 * a running one, to now. Each execution is charged {@link ScoringSettings#nodesCharged} nodes at its budget's price.
 */
final class RunCosts {

    static final String NODE_HOURS_KEY = "nightshift.cost.node-hours";
    static final String GPU_HOURS_KEY = "nightshift.cost.gpu-hours";
    static final String DOLLARS_KEY = "nightshift.cost.dollars";
    /** Which execution recorded the cost: a relaunch's execution starts with a copy of the previous one's context. */
    static final String RECORDED_BY_KEY = "nightshift.cost.execution";

    private RunCosts() {
    }

    /** Puts what an execution cost into its context (which the caller saves). */
    static void record(JobExecution execution, RunCost cost) {
        ExecutionContext context = execution.getExecutionContext();
        context.putDouble(NODE_HOURS_KEY, cost.nodeHours());
        context.putDouble(GPU_HOURS_KEY, cost.gpuHours());
        context.putDouble(DOLLARS_KEY, cost.dollars());
        context.putLong(RECORDED_BY_KEY, execution.getId());
    }

    /**
     * What an execution cost: as it recorded it; else from its times, at {@code budget}'s price on {@code nodes} nodes.
     * A recorded cost counts only when this execution recorded it and has ended.
     */
    static RunCost of(JobExecution execution, Budget budget, int nodes) {
        ExecutionContext context = execution.getExecutionContext();
        if (!execution.getStatus().isRunning() && context.containsKey(DOLLARS_KEY) && recordedBy(execution)) {
            return new RunCost(context.getDouble(NODE_HOURS_KEY), context.getDouble(GPU_HOURS_KEY), context.getDouble(DOLLARS_KEY));
        }
        LocalDateTime start = execution.getStartTime();
        if (start == null) {
            return RunCost.ZERO;
        }
        LocalDateTime end = execution.getEndTime() != null ? execution.getEndTime()
                : execution.getStatus().isRunning() ? LocalDateTime.now() : execution.getLastUpdated();
        if (end == null || end.isBefore(start)) {
            return RunCost.ZERO;
        }
        return RunCost.of(Duration.between(start, end), nodes, budget);
    }

    /** The sum over executions (oldest first, the run's current budget and nodes). */
    static RunCost of(List<JobExecution> executions, Budget budget, int nodes) {
        RunCost total = RunCost.ZERO;
        for (JobExecution execution : executions) {
            total = total.plus(of(execution, budget, nodes));
        }
        return total;
    }

    private static boolean recordedBy(JobExecution execution) {
        return execution.getExecutionContext().getLong(RECORDED_BY_KEY, -1L) == execution.getId();
    }
}
