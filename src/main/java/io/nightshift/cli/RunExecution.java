package io.nightshift.cli;

import io.nightshift.NightshiftProperties;
import io.nightshift.job.ProgressConsole;
import io.nightshift.job.RunOutcome;
import io.nightshift.job.Runs;
import io.nightshift.spot.SpotWatcher;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.slf4j.LoggerFactory;
import org.springframework.context.ConfigurableApplicationContext;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Runs one execution in the foreground and handles SIGTERM/SIGINT/SIGHUP the way a spot node needs: ask the run to stop
 * after its current chunk and let it end normally, so the run is recorded STOPPED (relaunchable) and the process
 * exits 1. An EC2 spot interruption notice ({@link SpotWatcher}) asks for the same stop. The signals are handled instead of starting JVM shutdown, because shutdown hooks (H2's close-on-exit,
 * Spring's context close) would pull the database from under the stopping run (spring-batch#5307). When the execution
 * ends, its summary goes to {@code out}: text, or with {@code json} one JSON document ({@link RunJson#outcome}).
 */
final class RunExecution {

    private RunExecution() {
    }

    static int execute(Function<Runs, RunOutcome> launch, PrintStream out) {
        return execute(launch, out, false);
    }

    /** As {@link #execute(Function, PrintStream)}; with {@code json}, the outcome is one JSON document on stdout. */
    static int execute(Function<Runs, RunOutcome> launch, PrintStream out, boolean json) {
        return executeInContext(context -> launch.apply(context.getBean(Runs.class)), out, json);
    }

    /** As {@link #execute}, for a command that needs more of the application than {@link Runs} (the demo: the home). */
    static int executeInContext(Function<ConfigurableApplicationContext, RunOutcome> launch, PrintStream out) {
        return executeInContext(launch, out, false);
    }

    private static int executeInContext(Function<ConfigurableApplicationContext, RunOutcome> launch, PrintStream out, boolean json) {
        SignalHandler previousTerm = null;
        SignalHandler previousInt = null;
        SignalHandler previousHup = null;
        AtomicBoolean ended = new AtomicBoolean();
        // The handlers stay until the context is closed: a signal while it closes (models included) must not start
        // JVM shutdown, whose ONNX Runtime hook would free the environment under the sessions being closed.
        try (ConfigurableApplicationContext context = ApplicationContexts.start(List.of());
                RunLog runLog = RunLog.start(context.getBean(NightshiftProperties.class).home())) {
            Runs runs = context.getBean(Runs.class);
            // Notices go through the progress bar's console: a bar on screen is ended first, so they start a line.
            ProgressConsole console = context.getBean(ProgressConsole.class);
            AtomicBoolean stopping = new AtomicBoolean();
            SignalHandler stop = signal -> {
                if (ended.get()) {
                    console.notice("nightshift: SIG" + signal.getName() + " received; the run has ended, exiting");
                    return;
                }
                String relaunch = relaunchHint(runs);
                if (stopping.getAndSet(true)) {
                    // A second signal: the user will not wait for the chunk. Halt without shutdown hooks (ONNX Runtime's
                    // would free its environment under running sessions); the lease shows the owner gone at once.
                    console.notice("nightshift: SIG" + signal.getName() + " again; stopping now "
                            + "without waiting for the chunk (the run stays relaunchable: " + relaunch + ")");
                    Runtime.getRuntime().halt(ExitCodes.FAILED);
                }
                console.notice("nightshift: SIG" + signal.getName() + " received; stopping after "
                        + "the current chunk (the run stays relaunchable: " + relaunch + "; send it again to stop now)");
                runs.stopRunsOfThisProcess("SIG" + signal.getName());
            };
            previousTerm = Signal.handle(new Signal("TERM"), stop);
            previousInt = Signal.handle(new Signal("INT"), stop);
            previousHup = Signal.handle(new Signal("HUP"), stop);
            RunOutcome outcome;
            // A spot interruption notice stops the run as the first SIGTERM does; a SIGTERM after it is still a first one
            // (the node's shutdown sends one), not the impatient second that halts.
            try (SpotWatcher.Watch spot = context.getBean(SpotWatcher.class).watch(reason -> {
                if (!ended.get()) {
                    console.notice("nightshift: " + reason + "; stopping after the current chunk (the run stays relaunchable: "
                            + relaunchHint(runs) + ")");
                    runs.stopRunsOfThisProcess(reason);
                }
            })) {
                outcome = launch.apply(context);
            } catch (RuntimeException e) {
                // The console gets one line (ErrorHandler); the run's file, if the run got that far, the whole trace.
                LoggerFactory.getLogger(ConsoleLog.FAILURES).error("The command failed: {}", e.getMessage(), e);
                throw e;
            } finally {
                ended.set(true);
            }
            if (json) {
                out.println(RunJson.outcome(outcome, runLog.file()));
            } else {
                RunReport.print(outcome, runLog.file(), out);
            }
            out.flush();
            return outcome.completed() ? ExitCodes.SUCCESS : outcome.configurationError() ? ExitCodes.USAGE : ExitCodes.FAILED;
        } finally {
            if (previousTerm != null) {
                Signal.handle(new Signal("TERM"), previousTerm);
            }
            if (previousInt != null) {
                Signal.handle(new Signal("INT"), previousInt);
            }
            if (previousHup != null) {
                Signal.handle(new Signal("HUP"), previousHup);
            }
        }
    }

    private static String relaunchHint(Runs runs) {
        return runs.runsOfThisProcess().stream().map(id -> "./nightshift relaunch " + id).findFirst()
                .orElse("./nightshift relaunch RUN_ID");
    }
}
