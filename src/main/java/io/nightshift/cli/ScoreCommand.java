package io.nightshift.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "score", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Score Parquet files with an ONNX model now, as a new run; prints the run id and a summary.",
        exitCodeListHeading = ExitCodes.HEADING, footerHeading = ExitCodes.FOOTER_HEADING, exitCodeList = {ExitCodes.SUCCESS_LINE, ExitCodes.FAILED_LINE, ExitCodes.USAGE_LINE})
final class ScoreCommand implements Callable<Integer> {

    @Mixin
    ScoringOptions options;

    @Mixin
    JsonOption output;

    @Override
    public Integer call() {
        var settings = options.toSettings();
        return RunExecution.execute(runs -> runs.score("score", settings), System.out, output.json);
    }
}
