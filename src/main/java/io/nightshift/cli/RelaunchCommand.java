package io.nightshift.cli;

import io.nightshift.job.RunTrigger;
import io.nightshift.job.Runs;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "relaunch", mixinStandardHelpOptions = true,
        description = {"Resume a failed, stopped or dead run from its last checkpoint.",
                "Same inputs and model as its first execution. A run whose process is still alive is refused.",
                "A run its budget stopped needs a raised cap: --max-dollars or --max-gpu-hours."},
        exitCodeListHeading = ExitCodes.HEADING, footerHeading = ExitCodes.FOOTER_HEADING, exitCodeList = {ExitCodes.SUCCESS_LINE, ExitCodes.FAILED_LINE, ExitCodes.USAGE_LINE})
final class RelaunchCommand implements Callable<Integer> {

    @Parameters(paramLabel = "RUN_ID", description = "The run id printed when the run started (see `nightshift status`).")
    long runId;

    @Option(names = "--max-dollars", paramLabel = "DOLLARS", description = {"Raise the run's budget.max-dollars to this"
            + " (whole run, all executions), above what it has cost so far."})
    double maxDollars;

    @Option(names = "--max-gpu-hours", paramLabel = "HOURS", description = {"Raise the run's budget.max-gpu-hours to this"
            + " (whole run), above what it has used so far."})
    double maxGpuHours;

    @Mixin
    JsonOption output;

    @Override
    public Integer call() {
        Runs.BudgetRaise raise = new Runs.BudgetRaise(maxDollars, maxGpuHours);
        return RunExecution.execute(runs -> runs.relaunch(runId, RunTrigger.relaunch(RunTrigger.currentUser()), raise), System.out,
                output.json);
    }
}
