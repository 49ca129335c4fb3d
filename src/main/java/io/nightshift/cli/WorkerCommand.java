package io.nightshift.cli;

import io.nightshift.NightshiftException;
import io.nightshift.job.PartitionQueue;
import io.nightshift.job.PartitionWorker;
import io.nightshift.job.SharedRepository;
import io.nightshift.spot.SpotWatcher;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.amqp.rabbit.listener.api.ChannelAwareMessageListener;
import org.springframework.batch.integration.partition.StepExecutionRequest;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine.Command;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * {@code nightshift worker}: executes partitions of remote runs ({@code partitions.mode: remote}) from the queue, one
 * at a time, until stopped. Each message is acknowledged only once its partition's step execution has ended, so a
 * worker that dies mid-partition leaves it to the broker to redeliver. SIGTERM, SIGINT or a spot notice: the partition
 * being scored stops after its current chunk (checkpointed), its message goes back to the queue (nack, requeue) for
 * another worker, and the worker exits 0 — it did what a stop asks and left nothing unfinished of its own, so a
 * drained pod is not reported as a crash; 1 is kept for a worker that failed.
 */
@Command(name = "worker", mixinStandardHelpOptions = true,
        description = {"Execute partitions of remote runs (partitions.mode: remote) from",
                "the RabbitMQ queue (spring.rabbitmq.*, nightshift.remote.queue), one at a",
                "time, against the shared job repository, until stopped. SIGTERM or a",
                "spot notice: finish the current chunk, requeue the partition, exit 0."},
        exitCodeListHeading = ExitCodes.HEADING, footerHeading = ExitCodes.FOOTER_HEADING,
        exitCodeList = {"0:Stopped on request (SIGTERM, SIGINT, spot notice).",
                "1:Unexpected failure (see the log).",
                "2:Configuration error: broker unreachable, no shared database."})
final class WorkerCommand implements java.util.concurrent.Callable<Integer> {

    @picocli.CommandLine.Option(names = "--health-port", paramLabel = "PORT",
            description = "Answer GET /health/live and /health/ready on this port (for probes); default: none.")
    Integer healthPort;

    private static final Logger log = LoggerFactory.getLogger(WorkerCommand.class);
    /** How long a stop waits for the partition being scored to end its chunk before the channel is closed anyway. */
    private static final long STOP_PATIENCE_MILLIS = 10 * 60_000;
    private static final long RETRY_PAUSE_MILLIS = 2_000;

    @Override
    public Integer call() throws Exception {
        SignalHandler previousTerm = null;
        SignalHandler previousInt = null;
        try (ConfigurableApplicationContext context = ApplicationContexts.start(List.of())) {
            context.getBean(SharedRepository.class).require("start a worker");
            PartitionQueue queue = context.getBean(PartitionQueue.class);
            queue.declare(NightshiftException.Disposition.CONFIGURATION, "start a worker");
            PartitionWorker worker = context.getBean(PartitionWorker.class);
            AtomicBoolean stopping = new AtomicBoolean();
            CountDownLatch stopped = new CountDownLatch(1);
            java.util.function.Consumer<String> stop = reason -> {
                if (stopping.getAndSet(true)) {
                    System.err.println("nightshift worker: " + reason + " again; exiting now (the partition's message is redelivered)");
                    Runtime.getRuntime().halt(ExitCodes.FAILED);
                }
                boolean busy = worker.stopAfterChunk();
                System.err.println("nightshift worker: " + reason + "; " + (busy
                        ? "stopping after the current chunk and requeueing the partition" : "stopping") + " (send it again to exit now)");
                stopped.countDown();
            };
            SignalHandler onSignal = signal -> stop.accept("SIG" + signal.getName() + " received");
            previousTerm = Signal.handle(new Signal("TERM"), onSignal);
            previousInt = Signal.handle(new Signal("INT"), onSignal);
            SimpleMessageListenerContainer container = container(queue, worker, stopping);
            try (SpotWatcher.Watch spot = context.getBean(SpotWatcher.class).watch(stop);
                    AutoCloseable health = health(container, stopping)) {
                container.start();
                log.info("Worker pid {} takes partitions from queue {} at {}, one at a time", ProcessHandle.current().pid(),
                        queue.name(), queue.broker());
                stopped.await();
                // Waits for the partition being scored to stop after its chunk and its message to be requeued.
                container.stop();
            }
            log.info("Worker pid {} stopped", ProcessHandle.current().pid());
            return ExitCodes.SUCCESS;
        } finally {
            if (previousTerm != null) {
                Signal.handle(new Signal("TERM"), previousTerm);
            }
            if (previousInt != null) {
                Signal.handle(new Signal("INT"), previousInt);
            }
        }
    }

    /**
     * Probes without a web stack: live while the process runs; ready while it consumes (connected to the broker) and is
     * not stopping. A JDK HTTP server, because the worker needs no servlet container, security or scheduler.
     */
    private AutoCloseable health(SimpleMessageListenerContainer container, AtomicBoolean stopping) throws IOException {
        if (healthPort == null) {
            return () -> { };
        }
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress(healthPort), 0);
        server.createContext("/health/live", exchange -> respond(exchange, true));
        server.createContext("/health/ready", exchange -> respond(exchange,
                !stopping.get() && container.isRunning() && container.getActiveConsumerCount() > 0));
        server.start();
        return () -> server.stop(0);
    }

    private static void respond(com.sun.net.httpserver.HttpExchange exchange, boolean up) throws IOException {
        byte[] body = ("{\"status\":\"" + (up ? "UP" : "DOWN") + "\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(up ? 200 : 503, body.length);
        try (java.io.OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /**
     * One consumer, prefetch 1, manual acknowledgement: the broker holds back the next message until this one is settled,
     * and a message of a worker that vanished is redelivered. The container reconnects by itself after a broker loss.
     */
    private static SimpleMessageListenerContainer container(PartitionQueue queue, PartitionWorker worker, AtomicBoolean stopping) {
        SimpleMessageListenerContainer container = new SimpleMessageListenerContainer(queue.connectionFactory());
        container.setQueueNames(queue.name());
        container.setAcknowledgeMode(AcknowledgeMode.MANUAL);
        container.setPrefetchCount(1);
        container.setConcurrentConsumers(1);
        container.setShutdownTimeout(STOP_PATIENCE_MILLIS);
        container.setRecoveryInterval(2_000);
        container.setMessageListener((ChannelAwareMessageListener) (message, channel) -> {
            long tag = message.getMessageProperties().getDeliveryTag();
            if (stopping.get()) {
                channel.basicNack(tag, false, true);
                return;
            }
            StepExecutionRequest request = PartitionQueue.decode(message.getBody());
            if (request == null) {
                log.warn("Dropping a message that is no partition request: {}", new String(message.getBody(), java.nio.charset.StandardCharsets.UTF_8));
                channel.basicReject(tag, false);
                return;
            }
            PartitionWorker.Delivery delivery;
            try {
                delivery = worker.execute(request, stopping::get);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                delivery = PartitionWorker.Delivery.REQUEUE;
            } catch (RuntimeException e) {
                // Outside the step (the job repository unreachable, say): another worker, or this one later, tries again.
                log.warn("Cannot execute {}: {}; requeueing it", request, e.getMessage());
                delivery = PartitionWorker.Delivery.REQUEUE;
                // Not at once: a cause that lasts (the database away) must not spin the message between workers.
                try {
                    Thread.sleep(RETRY_PAUSE_MILLIS);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
            try {
                if (delivery == PartitionWorker.Delivery.ACK) {
                    channel.basicAck(tag, false);
                } else {
                    channel.basicNack(tag, false, true);
                }
            } catch (IOException | RuntimeException e) {
                log.warn("Cannot {} the message of {} ({}): the broker connection was lost; the broker redelivers it, and a"
                        + " worker skips it if its partition completed", delivery == PartitionWorker.Delivery.ACK ? "acknowledge" : "requeue",
                        request, e.getMessage());
            }
        });
        return container;
    }
}
