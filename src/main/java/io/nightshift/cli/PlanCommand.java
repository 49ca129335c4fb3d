package io.nightshift.cli;

import io.nightshift.budget.Budget;
import io.nightshift.budget.CostEstimate;
import io.nightshift.budget.Pricing;
import io.nightshift.job.JobSpec;
import io.nightshift.job.JobSpecParser;
import io.nightshift.job.Runs;
import io.nightshift.scoring.ScoringPlan;
import io.nightshift.scoring.ScoringPlanner;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code nightshift plan}: what a run of a job spec would read and cost, before anything is spent: it plans as a run
 * does (file footers, partitions) but creates no run and writes no output.
 */
@Command(name = "plan", mixinStandardHelpOptions = true,
        description = {"Show what a run of a job spec would score and cost; start nothing.",
                "Files, rows and partitions from the Parquet footers; duration and cost at the",
                "job's measured throughput (its last completed runs) or the spec's",
                "budget.expected-rows-per-second; spot and on-demand; the budget's verdict."},
        exitCodeListHeading = ExitCodes.HEADING, footerHeading = ExitCodes.FOOTER_HEADING,
        exitCodeList = {"0:Within the budget (or no cap set).", "1:Over a cap of the budget: a run would be stopped.",
                ExitCodes.USAGE_LINE})
final class PlanCommand implements Callable<Integer> {

    /** Completed runs of the job whose throughput the estimate uses. */
    private static final int MEASURED_RUNS = 5;
    private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    @Parameters(paramLabel = "PATH", description = "A job spec file, e.g. jobs/churn-nightly.yaml.")
    Path spec;

    @Mixin
    JsonOption output;

    @Override
    public Integer call() {
        JobSpec job = JobSpecParser.read(spec);
        if (job.kind() != JobSpec.Kind.SCORE) {
            throw new IllegalArgumentException("nightshift plan estimates scoring jobs; " + spec + " is kind "
                    + job.kind().specName());
        }
        Budget budget = job.budget();
        CostEstimate estimate;
        ScoringPlan plan;
        try (ConfigurableApplicationContext context = ApplicationContexts.start(List.of())) {
            plan = context.getBean(ScoringPlanner.class).plan(Runs.newRunKey(), job.scoringAt(Instant.now()));
            List<CostEstimate.Sample> samples = new ArrayList<>();
            for (Runs.RunView run : context.getBean(Runs.class).recent(200)) {
                if (samples.size() < MEASURED_RUNS && run.jobName().equals(job.name()) && "COMPLETED".equals(run.status())) {
                    Duration elapsed = run.executions().stream().map(Runs.ExecutionView::duration)
                            .filter(java.util.Objects::nonNull).reduce(Duration.ZERO, Duration::plus);
                    samples.add(new CostEstimate.Sample(run.totalRows(), elapsed));
                }
            }
            double measured = CostEstimate.throughput(samples);
            double rate = measured > 0 ? measured : budget.expectedRowsPerSecond();
            String source = measured > 0 ? "the last " + samples.size() + " completed run(s) of " + job.name()
                    : budget.expectedRowsPerSecond() > 0 ? "budget.expected-rows-per-second" : "none (no completed run, no"
                    + " budget.expected-rows-per-second)";
            Pricing.NodeType type = budget.nodeType() == null ? null
                    : Pricing.forSpecDirectory(spec.toAbsolutePath().getParent()).type(budget.nodeType(), spec.toString());
            estimate = CostEstimate.of(plan.totalRows(), plan.partitions().size(), rate, source, budget, type);
        }
        System.out.print(output.json ? json(job, plan, budget, estimate) : text(job, plan, budget, estimate));
        System.out.flush();
        return estimate.withinBudget() ? ExitCodes.SUCCESS : ExitCodes.FAILED;
    }

    private static String text(JobSpec job, ScoringPlan plan, Budget budget, CostEstimate estimate) {
        StringBuilder text = new StringBuilder();
        String n = System.lineSeparator();
        text.append("plan of ").append(job.name()).append(" (nothing started, nothing written)").append(n);
        text.append("  files       %,d".formatted(plan.files().size())).append(n);
        text.append("  rows        %,d".formatted(plan.totalRows())).append(n);
        text.append("  partitions  %,d".formatted(plan.partitions().size())).append(n);
        text.append("  model       ").append(plan.model().reference()).append(n);
        text.append("  throughput  ").append(estimate.rowsPerSecondPerNode() > 0
                ? "%,.0f rows/s per node, from %s".formatted(estimate.rowsPerSecondPerNode(), estimate.throughputSource())
                : estimate.throughputSource()).append(n);
        if (estimate.duration() != null) {
            text.append("  duration    %s on %d node(s)".formatted(Display.duration(estimate.duration()), estimate.nodes())).append(n);
            text.append("  cost        %s at $%.3f/node-h".formatted(estimate.cost().display(), budget.pricePerHour())).append(n);
            if (!Double.isNaN(estimate.spotDollars())) {
                text.append("  spot        $%.2f   on-demand $%.2f  (%s)".formatted(estimate.spotDollars(), estimate.onDemandDollars(),
                        budget.nodeType())).append(n);
            }
            text.append("  prices      ").append(budget.pricingSource()).append(n);
        }
        text.append("  budget      ").append(!budget.capped() ? "no cap set"
                : estimate.withinBudget() ? "within (" + budget.caps() + ")" : "OVER: " + estimate.overBudget()).append(n);
        return text.toString();
    }

    private static String json(JobSpec job, ScoringPlan plan, Budget budget, CostEstimate estimate) {
        ObjectNode root = JSON.createObjectNode();
        root.put("job", job.name());
        root.put("files", plan.files().size());
        root.put("rows", plan.totalRows());
        root.put("partitions", plan.partitions().size());
        root.put("model", plan.model().reference());
        root.put("rowsPerSecondPerNode", estimate.rowsPerSecondPerNode());
        root.put("throughputSource", estimate.throughputSource());
        root.put("nodes", estimate.nodes());
        if (estimate.duration() == null) {
            root.putNull("durationSeconds");
        } else {
            root.put("durationSeconds", estimate.duration().toMillis() / 1000.0);
        }
        root.put("nodeHours", estimate.cost().nodeHours());
        root.put("gpuHours", estimate.cost().gpuHours());
        root.put("dollars", estimate.cost().dollars());
        putNumber(root, "spotDollars", estimate.spotDollars());
        putNumber(root, "onDemandDollars", estimate.onDemandDollars());
        root.put("nodeType", budget.nodeType());
        root.put("capacity", budget.capacity().specName());
        root.put("pricing", budget.pricingSource());
        putNumber(root, "maxDollars", budget.maxDollars() > 0 ? budget.maxDollars() : Double.NaN);
        putNumber(root, "maxGpuHours", budget.maxGpuHours() > 0 ? budget.maxGpuHours() : Double.NaN);
        root.put("withinBudget", estimate.withinBudget());
        root.put("overBudget", estimate.overBudget());
        return JSON.writeValueAsString(root) + System.lineSeparator();
    }

    private static void putNumber(ObjectNode node, String field, double value) {
        if (Double.isNaN(value)) {
            node.putNull(field);
        } else {
            node.put(field, value);
        }
    }
}
