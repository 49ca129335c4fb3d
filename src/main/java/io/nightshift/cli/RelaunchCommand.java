package io.nightshift.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "relaunch", mixinStandardHelpOptions = true,
        description = {"Resume a failed, stopped or dead run from its last checkpoint, with the same inputs and model.",
                "A run whose process is still alive is refused."})
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
