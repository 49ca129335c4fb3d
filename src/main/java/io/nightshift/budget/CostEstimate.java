package io.nightshift.budget;

import java.time.Duration;
import java.util.List;

/**
 * What a planned run would take and cost before it starts ({@code nightshift plan}): its rows at a throughput per
 * node, on as many nodes as the budget allows and the partitions can keep busy, priced spot and on-demand.
 *
 * @param rowsPerSecondPerNode the throughput assumed; 0 when neither a completed run nor the spec gives one
 * @param throughputSource     where it came from ("the last 3 completed runs of churn", "budget.expected-rows-per-second")
 * @param nodes                nodes the run would use: the budget's workers, at most one per partition
 * @param duration             estimated wall time; null without a throughput
 * @param cost                 at the budget's price (its capacity); ZERO without a throughput
 * @param spotDollars          the same run on spot, when the node type is priced in the pricing file; NaN otherwise
 * @param onDemandDollars      the same run on-demand, likewise
 * @param overBudget           which cap the estimate passes ("max-dollars: $140.00, estimated $151.20"), or null
 */
public record CostEstimate(long rows, int partitions, double rowsPerSecondPerNode, String throughputSource, int nodes, Duration duration,
        RunCost cost, double spotDollars, double onDemandDollars, String overBudget) {

    /** A finished run's rows and how long its executions ran in all, for the measured throughput. */
    public record Sample(long rows, Duration elapsed) {
    }

    /** Rows per second over the samples (total rows ÷ total time), or 0 when there are none. */
    public static double throughput(List<Sample> samples) {
        long rows = samples.stream().mapToLong(Sample::rows).sum();
        long millis = samples.stream().mapToLong(sample -> sample.elapsed().toMillis()).sum();
        return millis <= 0 ? 0 : rows * 1000.0 / millis;
    }

    /**
     * The estimate for {@code rows} in {@code partitions} partitions. {@code nodeType} is the budget's node type as the
     * pricing file has it (for the other capacity's price), or null.
     */
    public static CostEstimate of(long rows, int partitions, double rowsPerSecondPerNode, String throughputSource, Budget budget,
            Pricing.NodeType nodeType) {
        int nodes = Math.max(1, Math.min(budget.nodes(), partitions));
        if (rowsPerSecondPerNode <= 0) {
            return new CostEstimate(rows, partitions, 0, throughputSource, nodes, null, RunCost.ZERO, Double.NaN, Double.NaN, null);
        }
        Duration duration = Duration.ofMillis((long) Math.ceil(rows * 1000.0 / (rowsPerSecondPerNode * nodes)));
        RunCost cost = RunCost.of(duration, nodes, budget);
        double spot = nodeType == null ? Double.NaN : cost.nodeHours() * nodeType.typicalSpot();
        double onDemand = nodeType == null ? Double.NaN : cost.nodeHours() * nodeType.onDemand();
        String over = null;
        if (budget.maxDollars() > 0 && cost.dollars() > budget.maxDollars()) {
            over = "max-dollars: $%.2f, estimated $%.2f".formatted(budget.maxDollars(), cost.dollars());
        } else if (budget.maxGpuHours() > 0 && cost.gpuHours() > budget.maxGpuHours()) {
            over = "max-gpu-hours: %.2f, estimated %.2f GPU-h".formatted(budget.maxGpuHours(), cost.gpuHours());
        }
        return new CostEstimate(rows, partitions, rowsPerSecondPerNode, throughputSource, nodes, duration, cost, spot, onDemand, over);
    }

    public boolean withinBudget() {
        return overBudget == null;
    }
}
