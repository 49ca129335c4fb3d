package io.nightshift.budget;

import java.time.Duration;

/**
 * What a run has cost so far: node-hours (wall time × nodes; a local run is one node), GPU-hours (node-hours × GPUs per
 * node, 0 on a CPU node type or with no budget block) and estimated dollars (node-hours × the budget's price).
 */
public record RunCost(double nodeHours, double gpuHours, double dollars) {

    public static final RunCost ZERO = new RunCost(0, 0, 0);

    /** The cost of {@code nodes} nodes running for {@code elapsed} at {@code budget}'s price. */
    public static RunCost of(Duration elapsed, int nodes, Budget budget) {
        double nodeHours = elapsed.toMillis() / 3_600_000.0 * nodes;
        return new RunCost(nodeHours, nodeHours * budget.gpusPerNode(), nodeHours * budget.pricePerHour());
    }

    public RunCost plus(RunCost other) {
        return new RunCost(nodeHours + other.nodeHours, gpuHours + other.gpuHours, dollars + other.dollars);
    }

    /** This cost scaled by {@code factor} (a projection: spent so far × total rows ÷ rows done). */
    public RunCost times(double factor) {
        return new RunCost(nodeHours * factor, gpuHours * factor, dollars * factor);
    }

    /** {@code 1.25 node-h, 1.25 GPU-h, $1.26}: as status shows it. */
    public String display() {
        return "%.2f node-h, %.2f GPU-h, $%.2f".formatted(nodeHours, gpuHours, dollars);
    }
}
