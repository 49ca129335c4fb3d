package io.nightshift.cli;

import io.nightshift.job.RunOutcome;
import io.nightshift.job.Runs;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Runs one execution in the foreground and handles SIGTERM/SIGINT the way a spot node needs: ask the run to stop
 * after its current chunk, wait for it (so its state and the database are consistent), then exit 1 — the run is
 * STOPPED and relaunchable. Spring's own shutdown hook is off because it would close the DataSource under the run.
 */
final class RunExecution {

    private static final long STOP_GRACE_SECONDS = 90;

    private RunExecution() {
    }

    static int execute(Function<Runs, RunOutcome> launch, PrintStream out) {
        CountDownLatch finished = new CountDownLatch(1);
        AtomicInteger exitCode = new AtomicInteger(ExitCodes.FAILED);
        ConfigurableApplicationContext context = ApplicationContexts.start(List.of());
        Runs runs = context.getBean(Runs.class);
        Thread hook = new Thread(() -> {
            runs.runningExecutions().forEach(runs::stop);
            try {
                if (finished.await(STOP_GRACE_SECONDS, TimeUnit.SECONDS)) {
                    Runtime.getRuntime().halt(exitCode.get());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "nightshift-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            RunOutcome outcome = launch.apply(runs);
            RunReport.print(outcome, out);
            exitCode.set(outcome.completed() ? ExitCodes.SUCCESS : ExitCodes.FAILED);
            return exitCode.get();
        } finally {
            context.close();
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // Shutdown already began: the hook is waiting for us and exits with our code.
            }
        }
    }
}
