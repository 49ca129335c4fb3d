package io.nightshift.spot;

import io.nightshift.NightshiftProperties;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Watches for an EC2 spot interruption notice ({@code nightshift.spot.*}) while a command runs, and hands its reason
 * ("spot interruption notice (terminate at 12:34:56Z)") once to the command's graceful stop — the same stop a SIGTERM
 * asks for, so runs end STOPPED at a chunk boundary, relaunchable. AWS gives about two minutes between the notice and
 * the interruption; the default 5 s poll leaves nearly all of it to the running chunks. A rebalance recommendation is
 * only logged (WARN): it often comes long before an interruption, or without one, and stopping on it would idle nodes.
 */
@Component
public final class SpotWatcher {

    private static final Logger log = LoggerFactory.getLogger(SpotWatcher.class);
    /** How long the auto mode's probe waits: the metadata service answers within milliseconds on EC2. */
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1);

    /** A running watch; closing it stops the polling. */
    public interface Watch extends AutoCloseable {
        @Override
        void close();
    }

    private final NightshiftProperties.Spot settings;

    @Autowired
    SpotWatcher(NightshiftProperties properties) {
        this(properties.spot());
    }

    SpotWatcher(NightshiftProperties.Spot settings) {
        this.settings = settings;
    }

    /**
     * Starts polling (unless {@code nightshift.spot.enabled} is false) and calls {@code interruption} with the stop
     * reason once, when a notice appears. In auto mode the poller first probes for the metadata service and ends when
     * there is none (one DEBUG line): the probe runs on the poller's thread, because waiting for it here cost every run
     * command (a relaunch refused at once included) about 0.45 s of start-up off EC2.
     */
    public Watch watch(Consumer<String> interruption) {
        if (settings.enabled() == NightshiftProperties.Spot.Enabled.FALSE) {
            return () -> { };
        }
        boolean probeFirst = settings.enabled() == NightshiftProperties.Spot.Enabled.AUTO;
        ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "spot-watcher");
            thread.setDaemon(true);
            return thread;
        });
        poller.execute(() -> {
            if (probeFirst && !onEc2()) {
                poller.shutdown();
                return;
            }
            InstanceMetadata metadata = new InstanceMetadata(settings.endpoint(), timeout());
            log.info("Watching for EC2 spot interruption notices at {} every {}", settings.endpoint(),
                    settings.interval().toString().substring(2).toLowerCase(java.util.Locale.ROOT));
            Poll poll = new Poll(metadata, interruption, poller);
            long millis = settings.interval().toMillis();
            poller.scheduleWithFixedDelay(poll, 0, millis, TimeUnit.MILLISECONDS);
        });
        return poller::shutdownNow;
    }

    /** Polls time out well within the interval, so a hung metadata service cannot pile requests up. */
    private Duration timeout() {
        Duration interval = settings.interval();
        return interval.compareTo(Duration.ofSeconds(2)) < 0 ? PROBE_TIMEOUT : Duration.ofSeconds(2);
    }

    private boolean onEc2() {
        InstanceMetadata probe = new InstanceMetadata(settings.endpoint(), PROBE_TIMEOUT);
        try {
            probe.connect();
            return true;
        } catch (IOException e) {
            // DEBUG: off EC2 (a laptop, CI) every run command would otherwise print it on the console.
            log.debug("Not watching for EC2 spot interruption notices: no instance metadata service at {} ({}); set"
                    + " nightshift.spot.enabled=true to insist", settings.endpoint(), describe(e));
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String describe(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** One poll: the instance action first (it is what ends the node), then the rebalance recommendation. */
    private static final class Poll implements Runnable {

        private final InstanceMetadata metadata;
        private final Consumer<String> interruption;
        private final ScheduledExecutorService poller;
        private final AtomicBoolean rebalanceLogged = new AtomicBoolean();
        private boolean failing;

        Poll(InstanceMetadata metadata, Consumer<String> interruption, ScheduledExecutorService poller) {
            this.metadata = metadata;
            this.interruption = interruption;
            this.poller = poller;
        }

        @Override
        public void run() {
            try {
                Optional<InstanceMetadata.InstanceAction> action = metadata.instanceAction();
                if (action.isPresent()) {
                    String reason = action.get().reason();
                    log.warn("EC2 {}: stopping runs after their current chunk", reason);
                    poller.shutdown();
                    interruption.accept(reason);
                    return;
                }
                Optional<String> rebalance = metadata.rebalanceRecommendation();
                if (rebalance.isPresent() && !rebalanceLogged.getAndSet(true)) {
                    log.warn("EC2 rebalance recommendation (notice time {}): this instance is at elevated risk of a spot"
                            + " interruption; runs go on until an interruption notice", rebalance.get());
                }
                if (failing) {
                    log.info("Reading spot interruption notices from the instance metadata service again");
                }
                failing = false;
            } catch (IOException | RuntimeException e) {
                // Logged once per outage: the poll goes on every interval and would otherwise flood the log.
                if (!failing) {
                    log.warn("Cannot read spot interruption notices from the instance metadata service: {} (retrying)",
                            describe(e));
                }
                failing = true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
