package io.nightshift.cli;

import io.nightshift.job.Runs;
import java.util.List;
import java.util.concurrent.Callable;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "abandon", mixinStandardHelpOptions = true,
        description = {"Give a failed, stopped or dead run up for good and free its output.",
                "Marks it ABANDONED (it can never be relaunched), deletes its part files and rejects, and releases its "
                        + "output location for a new run. A committed run, or one whose process is still alive, is refused."})
final class AbandonCommand implements Callable<Integer> {

    @Parameters(paramLabel = "RUN_ID", description = "The run to abandon (see `nightshift status`).")
    long runId;

    @Override
    public Integer call() {
        try (ConfigurableApplicationContext context = ApplicationContexts.start(List.of())) {
            Runs.Abandoned abandoned = context.getBean(Runs.class).abandon(runId);
            System.out.printf("run %d abandoned (was %s); deleted %d part file(s)%s%n", abandoned.runId(), abandoned.previousStatus(),
                    abandoned.deleted().size(), abandoned.output() == null ? "" : "; " + abandoned.output() + " is free for a new run");
            return ExitCodes.SUCCESS;
        }
    }
}
