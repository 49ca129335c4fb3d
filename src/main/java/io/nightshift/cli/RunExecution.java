package io.nightshift.cli;

import io.nightshift.job.RunOutcome;
import io.nightshift.job.Runs;
import java.io.PrintStream;
import java.util.List;
import java.util.function.Function;
import org.springframework.context.ConfigurableApplicationContext;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Runs one execution in the foreground and handles SIGTERM/SIGINT the way a spot node needs: ask the run to stop
 * after its current chunk and let it end normally, so the run is recorded STOPPED (relaunchable) and the process
 * exits 1. The signals are handled instead of starting JVM shutdown, because shutdown hooks (H2's close-on-exit,
 * Spring's context close) would pull the database from under the stopping run (spring-batch#5307).
 */
final class RunExecution {

    private RunExecution() {
    }

    static int execute(Function<Runs, RunOutcome> launch, PrintStream out) {
        try (ConfigurableApplicationContext context = ApplicationContexts.start(List.of())) {
            Runs runs = context.getBean(Runs.class);
            SignalHandler stop = signal -> {
                System.err.println("nightshift: SIG" + signal.getName() + " received; stopping after the current chunk "
                        + "(the run stays relaunchable)");
                runs.stopRunsOfThisProcess();
            };
            SignalHandler previousTerm = Signal.handle(new Signal("TERM"), stop);
            SignalHandler previousInt = Signal.handle(new Signal("INT"), stop);
            try {
                RunOutcome outcome = launch.apply(runs);
                RunReport.print(outcome, out);
                return outcome.completed() ? ExitCodes.SUCCESS : outcome.configurationError() ? ExitCodes.USAGE : ExitCodes.FAILED;
            } finally {
                Signal.handle(new Signal("TERM"), previousTerm);
                Signal.handle(new Signal("INT"), previousInt);
            }
        }
    }
}
