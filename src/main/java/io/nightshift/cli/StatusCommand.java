package io.nightshift.cli;

import io.nightshift.NightshiftProperties;
import io.nightshift.job.RunLeases;
import io.nightshift.job.Runs;
import io.nightshift.scoring.RunCommit;
import java.io.PrintStream;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;
import java.util.concurrent.Callable;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code nightshift status}: recent runs as a table, or one run in detail (why it failed, who ran it, every
 * execution). On stdout only what the user asked for; the state home it read goes to stderr, once.
 */
@Command(name = "status", mixinStandardHelpOptions = true, description = "List recent runs, or show one run in detail.")
final class StatusCommand implements Callable<Integer> {

    static final int DEFAULT_LIMIT = 20;

    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "RUN_ID", description = "Show this run in detail.")
    Long runId;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "" + DEFAULT_LIMIT,
            description = "How many recent runs to list (default: ${DEFAULT-VALUE}; 0 lists every run, as --all does).")
    int limit;

    @Option(names = "--all", description = "List every run.")
    boolean all;

    @Mixin
    JsonOption output;

    @Override
    public Integer call() {
        if (limit < 0) {
            throw new ParameterException(spec.commandLine(), "--limit must be 0 (every run) or more, not " + limit);
        }
        String text;
        String home;
        try (ConfigurableApplicationContext context = ApplicationContexts.startBriefAndLazy(Runs.class)) {
            Runs runs = context.getBean(Runs.class);
            home = context.getBean(NightshiftProperties.class).home().toAbsolutePath().normalize().toString();
            text = runId != null ? describeOne(runs.describe(runId)) : listRecent(home, runs.recent(all ? 0 : limit));
        }
        PrintStream out = System.out;
        out.print(text);
        out.flush();
        System.err.println("home: " + home);
        return ExitCodes.SUCCESS;
    }

    private String describeOne(Runs.RunView run) {
        return output.json ? RunJson.describe(run) + System.lineSeparator() : describe(run);
    }

    private String listRecent(String home, List<Runs.RunView> recent) {
        if (output.json) {
            return RunJson.runs(home, recent) + System.lineSeparator();
        }
        return recent.isEmpty() ? "No runs yet. Try: ./nightshift demo" + System.lineSeparator() : list(recent);
    }

    /** One line per run, columns as wide as their content. */
    static String list(List<Runs.RunView> runs) {
        TextTable table = new TextTable("RUN>", "JOB", "STATUS", "STARTED", "ROWS>", "OUTPUT");
        for (Runs.RunView run : runs) {
            table.row(run.runId(), run.jobName(), run.displayStatus(), Display.time(run.started()),
                    run.totalRows() == 0 ? "-" : "%,d/%,d".formatted(run.rowsDone(), run.totalRows()), Display.locationOrDash(run.output()));
        }
        return table.render("");
    }

    /** One run in detail: what it is, why it is so, who ran it, and each execution. */
    static String describe(Runs.RunView run) {
        StringBuilder text = new StringBuilder();
        line(text, "run %d (%s): %s", run.runId(), run.jobName(), run.displayStatus());
        if (run.reason() != null) {
            field(text, "reason", run.reason());
        }
        if (!run.triggers().isEmpty()) {
            field(text, "trigger", trigger(run.triggers().getFirst()));
            for (io.nightshift.job.RunTrigger later : run.triggers().subList(1, run.triggers().size())) {
                field(text, "", "then " + trigger(later));
            }
        }
        field(text, "rows", rows(run));
        RunCommit.Summary summary = run.summary();
        if (summary != null) {
            field(text, "result", "%,d read = %,d scored + %,d rejected%s".formatted(summary.rowsRead(), summary.rowsScored(),
                    summary.rowsRejected(), summary.rejectReasons().isEmpty() ? "" : " " + summary.rejectReasons()));
        }
        field(text, "model", Display.orDash(run.model()));
        field(text, "output", Display.locationOrDash(run.output()));
        field(text, "owner", owner(run.owner()));
        if (!run.executions().isEmpty() && run.totalRows() > 0) {
            field(text, "cost", cost(run));
        }
        field(text, "started", Display.time(run.started()));
        field(text, "ended", run.running() ? "- (running for " + Display.duration(since(run.executions().getLast().started())) + ")"
                : Display.time(run.ended()));
        if (!run.executions().isEmpty()) {
            field(text, "executions", Integer.toString(run.executions().size()));
            TextTable table = new TextTable("EXECUTION>", "STATUS", "STARTED", "ENDED", "TOOK>", "ROWS>");
            for (Runs.ExecutionView execution : run.executions()) {
                table.row(execution.executionId(), execution.status(), Display.time(execution.started()),
                        execution.running() ? "running" : Display.time(execution.ended()), Display.duration(execution.duration()),
                        "%,d".formatted(execution.rows()));
            }
            text.append(table.render("    "));
        }
        return text.toString();
    }

    /** {@code 0.50 node-h, 0.50 GPU-h, $0.23 (g5.xlarge spot at $0.452/node-h; cap max-dollars $5.00)}. */
    private static String cost(Runs.RunView run) {
        io.nightshift.budget.Budget budget = run.budget();
        String so = run.running() ? " so far" : "";
        if (budget.pricePerHour() == 0) {
            return "%.2f node-h%s (no price: the job spec's budget block gives none)".formatted(run.cost().nodeHours(), so);
        }
        String at = (budget.nodeType() == null ? "" : budget.nodeType() + " " + budget.capacity().specName() + " ")
                + "at $%.3f/node-h".formatted(budget.pricePerHour());
        String caps = budget.caps();
        return run.cost().display() + so + " (" + at + (caps.isEmpty() ? "; no cap" : "; cap " + caps) + ")";
    }

    /**
     * Rows as the run stands: committed means listed in a committed manifest; anything else is work in checkpoints
     * that no reader sees yet.
     */
    private static String rows(Runs.RunView run) {
        if (run.totalRows() == 0 && run.output() == null) {
            return "- (not planned)";
        }
        if (run.committed()) {
            return "%,d / %,d committed".formatted(run.rowsDone(), run.totalRows());
        }
        String done = "%,d / %,d scored or rejected".formatted(run.rowsDone(), run.totalRows());
        if ("COMMIT_STATE_UNKNOWN".equals(run.disposition())) {
            return done + "; whether they were committed is unknown (see reason)";
        }
        return done + (run.running() && !run.ownerGone() ? " so far, not committed yet" : ", not committed");
    }

    private static String owner(RunLeases.Lease lease) {
        if (lease == null) {
            return "- (no process took the run)";
        }
        String who = "%s, pid %d".formatted(lease.host(), lease.pid());
        if (lease.alive()) {
            return who + " (alive, last heartbeat " + Display.time(lease.heartbeatAt()) + ")";
        }
        if (lease.released()) {
            return who + " (released the run at " + Display.time(lease.heartbeatAt()) + ")";
        }
        return who + " (gone, last heartbeat " + Display.time(lease.heartbeatAt()) + ")";
    }

    /** {@code schedule by host pid 7 at 2026-12-02 02:00:00 CET (fire time ...)}. */
    private static String trigger(io.nightshift.job.RunTrigger trigger) {
        return trigger.kind().name().toLowerCase(java.util.Locale.ROOT) + " by " + trigger.by() + " at "
                + Display.time(trigger.at()) + (trigger.detail() == null ? "" : " (" + trigger.detail() + ")");
    }

    private static Duration since(LocalDateTime started) {
        return started == null ? null : Duration.between(started, LocalDateTime.now());
    }

    private static void field(StringBuilder text, String label, String value) {
        line(text, "  %-11s %s", label, value);
    }

    private static void line(StringBuilder text, String format, Object... arguments) {
        text.append(format.formatted(arguments)).append(System.lineSeparator());
    }
}
