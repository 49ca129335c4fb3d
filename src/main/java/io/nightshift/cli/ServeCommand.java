package io.nightshift.cli;

import io.nightshift.NightshiftProperties;
import io.nightshift.ServeOnlyAutoConfigurations;
import io.nightshift.job.JobSpecException;
import io.nightshift.schedule.JobRegistry;
import io.nightshift.schedule.Scheduling;
import io.nightshift.spot.SpotWatcher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * {@code nightshift serve}: a scheduler node in the foreground until SIGTERM/SIGINT/SIGHUP. A signal stops it the way a
 * spot node needs: no more fires, running runs stop after their current chunk (STOPPED, leases released: another node,
 * or this one after a restart, relaunches them), exit within {@code nightshift.serve.shutdown-grace}. A second signal
 * exits at once (the runs' leases then expire, and another node takes them over).
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Run the scheduler: fire the schedules of the job specs in --jobs on a",
                "bounded local run pool, relaunch lost or stopped runs, reload changed specs.",
                "Every serve process sharing the job repository is a node of one cluster."},
        exitCodeListHeading = ExitCodes.HEADING, footerHeading = ExitCodes.FOOTER_HEADING,
        exitCodeList = {"0:Stopped by a signal; runs stopped in time.", "1:Runs did not stop within the grace.",
                "2:Bad usage or configuration (no jobs directory)."})
final class ServeCommand implements Callable<Integer> {

    @Option(names = "--jobs", paramLabel = "DIR", defaultValue = "jobs",
            description = "The job specs (*.yaml) to schedule (default: ${DEFAULT-VALUE}).")
    Path jobs;

    /** Where the REST API listens, e.g. {@code http://localhost:8080} (the port is the one bound, for port 0 too). */
    static String apiAddress(ConfigurableApplicationContext context) {
        int port = context instanceof WebServerApplicationContext web ? web.getWebServer().getPort() : -1;
        return port < 0 ? "no port" : "http://localhost:" + port;
    }

    @Override
    public Integer call() throws InterruptedException {
        Path directory = jobs.toAbsolutePath().normalize();
        if (!Files.isDirectory(directory)) {
            throw new JobSpecException("Cannot serve " + directory + ": no such directory. --jobs names the directory of the"
                    + " job specs (*.yaml).");
        }
        CountDownLatch signalled = new CountDownLatch(1);
        AtomicReference<String> reason = new AtomicReference<>();
        // Signals are counted apart from the reason: a SIGTERM after a spot notice (the instance's shutdown sends one)
        // is a first signal, not the impatient second that exits at once.
        AtomicBoolean signalledBefore = new AtomicBoolean();
        SignalHandler stop = signal -> {
            reason.compareAndSet(null, "SIG" + signal.getName());
            if (signalledBefore.getAndSet(true)) {
                System.err.println("nightshift: SIG" + signal.getName() + " again; exiting now (the runs' leases expire and"
                        + " another node relaunches them)");
                Runtime.getRuntime().halt(ExitCodes.FAILED);
            }
            System.err.println("nightshift: SIG" + signal.getName() + " received; stopping the scheduler and this node's runs"
                    + " after their current chunk (send it again to exit now)");
            signalled.countDown();
        };
        // Before the context: Quartz and the pool must never see a signal start JVM shutdown under a running chunk.
        SignalHandler previousTerm = Signal.handle(new Signal("TERM"), stop);
        SignalHandler previousInt = Signal.handle(new Signal("INT"), stop);
        SignalHandler previousHup = Signal.handle(new Signal("HUP"), stop);
        ConfigurableApplicationContext context = ApplicationContexts.start(
                List.of("--nightshift.serve.jobs=" + directory), ServeOnlyAutoConfigurations.SERVE_PROFILE);
        boolean closeContext = true;
        try {
            Scheduling scheduling = context.getBean(Scheduling.class);
            List<JobRegistry.JobState> states = scheduling.start();
            long scheduled = states.stream().filter(JobRegistry.JobState::scheduled).count();
            long invalid = states.stream().filter(state -> state.status() == JobRegistry.Status.INVALID).count();
            System.err.printf("nightshift: serving %s: %d job spec(s), %d scheduled, %d invalid (node pid %d, API on %s)%n",
                    directory, states.size(), scheduled, invalid, ProcessHandle.current().pid(), apiAddress(context));
            // A spot interruption notice stops the node as SIGTERM does.
            try (SpotWatcher.Watch spot = context.getBean(SpotWatcher.class).watch(notice -> {
                if (reason.compareAndSet(null, notice)) {
                    System.err.println("nightshift: " + notice + "; stopping the scheduler and this node's runs after their"
                            + " current chunk");
                    signalled.countDown();
                }
            })) {
                signalled.await();
            }
            Duration grace = context.getBean(NightshiftProperties.class).serve().shutdownGrace();
            boolean stopped = scheduling.shutdown(reason.get(), grace);
            if (!stopped) {
                System.err.println("nightshift: runs still going after the shutdown grace (" + Display.duration(grace)
                        + "); exiting without them (their leases expire and another node relaunches them)");
                closeContext = false;
                Runtime.getRuntime().halt(ExitCodes.FAILED);
            }
            System.err.println("nightshift: stopped (" + reason.get() + ")");
            return ExitCodes.SUCCESS;
        } finally {
            if (closeContext) {
                context.close();
            }
            Signal.handle(new Signal("TERM"), previousTerm);
            Signal.handle(new Signal("INT"), previousInt);
            Signal.handle(new Signal("HUP"), previousHup);
        }
    }
}
