package io.nightshift.lineage;

import io.openlineage.client.OpenLineage.RunEvent;
import io.openlineage.client.OpenLineage.RunEvent.EventType;
import io.openlineage.client.OpenLineageClient;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a run's events through the official OpenLineage client, on one background daemon thread in the order they
 * happened, so that a slow or dead endpoint never holds up a run. A failure logs one WARN line (the transport and the
 * cause); further failures log at DEBUG until an event goes through again. {@link #close} waits a bounded time for the
 * events still queued (the last run's COMPLETE), then gives up on them.
 */
final class OpenLineageRunLineage implements RunLineage, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(OpenLineageRunLineage.class);

    private final LineageEvents events;
    private final OpenLineageClient client;
    private final String transport;
    private final Duration closeWait;
    private final AtomicBoolean failing = new AtomicBoolean();
    private final ExecutorService sender = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "lineage");
        thread.setDaemon(true);
        return thread;
    });

    /** {@code transport} names where events go in log lines ("file /var/log/lineage.jsonl"); never a key. */
    OpenLineageRunLineage(LineageEvents events, OpenLineageClient client, String transport, Duration closeWait) {
        this.events = events;
        this.client = client;
        this.transport = transport;
        this.closeWait = closeWait;
    }

    @Override
    public void started(LineageRun run) {
        send(EventType.START, run);
    }

    @Override
    public void planned(LineageRun run) {
        send(EventType.RUNNING, run);
    }

    @Override
    public void ended(LineageRun run) {
        send(LineageEvents.type(run.outcome()), run);
    }

    private void send(EventType type, LineageRun run) {
        try {
            RunEvent event = events.event(type, run);
            sender.execute(() -> emit(type, run.runId(), event));
        } catch (RejectedExecutionException e) {
            log.debug("Lineage: not sending the {} event of run {}: shutting down", type, run.runId());
        } catch (RuntimeException e) {
            log.warn("Lineage: cannot build the {} event of run {}: {}", type, run.runId(), e.toString());
        }
    }

    private void emit(EventType type, long runId, RunEvent event) {
        try {
            client.emit(event);
            if (failing.compareAndSet(true, false)) {
                log.info("Lineage: events go through to {} again", transport);
            }
        } catch (RuntimeException e) {
            String cause = e.getCause() != null ? e.getCause().toString() : e.toString();
            if (failing.compareAndSet(false, true)) {
                log.warn("Lineage: cannot send the {} event of run {} to {}: {} (runs go on; further failures at DEBUG)",
                        type, runId, transport, cause);
            } else {
                log.debug("Lineage: cannot send the {} event of run {} to {}: {}", type, runId, transport, cause);
            }
        }
    }

    @Override
    public void close() {
        sender.shutdown();
        try {
            if (!sender.awaitTermination(closeWait.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("Lineage: gave up on the events still queued for {} after {}", transport, closeWait);
                sender.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            client.close();
        } catch (Exception e) {
            log.debug("Lineage: closing the client: {}", e.toString());
        }
    }
}
