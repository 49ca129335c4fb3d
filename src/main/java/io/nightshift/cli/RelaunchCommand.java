package io.nightshift.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "relaunch", mixinStandardHelpOptions = true,
        description = {"Resume a failed, stopped or dead run from its last checkpoint.",
                "Same inputs and model as its first execution. A run whose process is still alive is refused."},
        exitCodeListHeading = ExitCodes.HEADING, footerHeading = ExitCodes.FOOTER_HEADING, exitCodeList = {ExitCodes.SUCCESS_LINE, ExitCodes.FAILED_LINE, ExitCodes.USAGE_LINE})
final class RelaunchCommand implements Callable<Integer> {

    @Parameters(paramLabel = "RUN_ID", description = "The run id printed when the run started (see `nightshift status`).")
    long runId;

    @Mixin
    JsonOption output;

    @Override
    public Integer call() {
        return RunExecution.execute(runs -> runs.relaunch(runId), System.out, output.json);
    }
}
