package io.nightshift.cli;

import io.nightshift.job.Runs;
import java.util.List;
import java.util.concurrent.Callable;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "status", mixinStandardHelpOptions = true, description = "List recent runs, or show one run in detail.")
final class StatusCommand implements Callable<Integer> {

    private static final java.time.format.DateTimeFormatter STARTED = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    @Parameters(arity = "0..1", paramLabel = "RUN_ID", description = "Show this run in detail.")
    Long runId;

    @Option(names = "--limit", defaultValue = "20", paramLabel = "N", description = "How many recent runs to list (default: ${DEFAULT-VALUE}).")
    int limit;

    @Override
    public Integer call() {
        try (ConfigurableApplicationContext context = ApplicationContexts.start(List.of())) {
            Runs runs = context.getBean(Runs.class);
            if (runId != null) {
                Runs.RunView run = runs.describe(runId);
                System.out.printf("run %d (%s): %s%n", run.runId(), run.jobName(), run.status());
                System.out.printf("  executions  %d, started %s, ended %s%n", run.executions(), run.started(), run.ended());
                System.out.printf("  progress    %,d / %,d rows committed%n", run.rowsDone(), run.totalRows());
                System.out.printf("  model       %s%n", run.model());
                System.out.printf("  output      %s%n", run.output());
                if (run.summary() != null) {
                    System.out.printf("  result      %,d read = %,d scored + %,d rejected %s%n", run.summary().rowsRead(),
                            run.summary().rowsScored(), run.summary().rowsRejected(), run.summary().rejectReasons());
                }
                if (run.failure() != null) {
                    System.out.printf("  reason      %s%n", run.failure());
                }
                return ExitCodes.SUCCESS;
            }
            List<Runs.RunView> recent = runs.recent(limit);
            if (recent.isEmpty()) {
                System.out.println("No runs yet. Try: ./nightshift demo");
                return ExitCodes.SUCCESS;
            }
            System.out.printf("%-6s %-20s %-28s %-19s %15s  %s%n", "RUN", "JOB", "STATUS", "STARTED", "ROWS", "OUTPUT");
            for (Runs.RunView run : recent) {
                System.out.printf("%-6d %-20s %-28s %-19s %15s  %s%n", run.runId(), run.jobName(), run.status(),
                        run.started() == null ? "-" : run.started().format(STARTED),
                        "%,d/%,d".formatted(run.rowsDone(), run.totalRows()), run.output() == null ? "-" : run.output());
            }
            return ExitCodes.SUCCESS;
        }
    }
}
