package io.nightshift.cli;

import io.nightshift.job.JobSpec;
import io.nightshift.job.JobSpecParser;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run a job spec (jobs/NAME.yaml) once, now, as a new run.",
        exitCodeListHeading = ExitCodes.HEADING, footerHeading = ExitCodes.FOOTER_HEADING, exitCodeList = {ExitCodes.SUCCESS_LINE, ExitCodes.FAILED_LINE, ExitCodes.USAGE_LINE})
final class RunCommand implements Callable<Integer> {

    @Parameters(paramLabel = "PATH", description = "A job spec file, e.g. jobs/demo.yaml.")
    Path spec;

    @Mixin
    JsonOption output;

    @Override
    public Integer call() {
        JobSpec job = JobSpecParser.read(spec);
        if (job.kind() == JobSpec.Kind.RETRAIN) {
            return RunExecution.execute(runs -> runs.retrain(spec), System.out, output.json);
        }
        return RunExecution.execute(runs -> runs.score(job.name(), job.scoring()), System.out, output.json);
    }
}
