package io.nightshift.spot;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.nightshift.NightshiftProperties;
import io.nightshift.NightshiftProperties.Spot.Enabled;
import io.nightshift.testing.FakeInstanceMetadata;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class SpotWatcherTests {

    private final FakeInstanceMetadata metadata;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(SpotWatcher.class);

    SpotWatcherTests() throws Exception {
        metadata = new FakeInstanceMetadata();
    }

    @BeforeEach
    void captureLog() {
        appender.start();
        logger.addAppender(appender);
        logger.setLevel(Level.DEBUG);
    }

    @AfterEach
    void close() {
        logger.detachAppender(appender);
        logger.setLevel(null);
        metadata.close();
    }

    @Test
    void theMetadataServiceRefusesAGetWithoutTokenAndTheClientAsksForOneFirst() throws Exception {
        // given: IMDSv2 only
        HttpResponse<String> tokenless = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                metadata.endpoint().resolve(InstanceMetadata.INSTANCE_ACTION_PATH)).build(), HttpResponse.BodyHandlers.ofString());

        // when
        var action = new InstanceMetadata(metadata.endpoint(), Duration.ofSeconds(2)).instanceAction();

        // then
        assertThat(tokenless.statusCode()).isEqualTo(401);
        assertThat(action).isEmpty();
    }

    @Test
    void nothingIsPendingWhileTheServiceAnswers404() throws Exception {
        InstanceMetadata client = new InstanceMetadata(metadata.endpoint(), Duration.ofSeconds(2));

        assertThat(client.instanceAction()).isEmpty();
        assertThat(client.rebalanceRecommendation()).isEmpty();
    }

    @Test
    void anInstanceActionIsANoticeWithItsActionAndTime() throws Exception {
        // given
        metadata.interrupt("terminate", "2026-12-02T12:34:56Z");

        // when
        var action = new InstanceMetadata(metadata.endpoint(), Duration.ofSeconds(2)).instanceAction().orElseThrow();

        // then
        assertThat(action.action()).isEqualTo("terminate");
        assertThat(action.time()).isEqualTo(Instant.parse("2026-12-02T12:34:56Z"));
        assertThat(action.reason()).isEqualTo("spot interruption notice (terminate at 12:34:56Z)");
    }

    @Test
    void aWatcherHandsTheNoticesReasonToTheStopOnce() throws Exception {
        // given
        BlockingQueue<String> reasons = new ArrayBlockingQueue<>(4);
        SpotWatcher watcher = new SpotWatcher(settings(Enabled.AUTO, metadata.endpoint()));

        // when
        try (SpotWatcher.Watch watch = watcher.watch(reasons::add)) {
            metadata.interrupt("stop", "2026-12-02T01:02:03Z");
            String reason = reasons.poll(30, TimeUnit.SECONDS);

            // then
            assertThat(reason).isEqualTo("spot interruption notice (stop at 01:02:03Z)");
        }
        assertThat(reasons).isEmpty();
        assertThat(messages(Level.INFO)).containsExactly("Watching for EC2 spot interruption notices at " + metadata.endpoint()
                + " every 0.05s");
    }

    @Test
    void aRebalanceRecommendationIsOneWarningAndNoStop() throws Exception {
        // given: a rebalance recommendation, then (so that the test knows several polls saw it) an interruption
        BlockingQueue<String> reasons = new ArrayBlockingQueue<>(4);
        metadata.recommendRebalance("2026-12-02T01:00:00Z");

        // when
        try (SpotWatcher.Watch watch = new SpotWatcher(settings(Enabled.TRUE, metadata.endpoint())).watch(reasons::add)) {
            while (messages(Level.WARN).isEmpty()) {
                Thread.sleep(20);
            }
            Thread.sleep(200);
            assertThat(reasons).isEmpty();
            metadata.interrupt("terminate", "2026-12-02T01:02:03Z");
            assertThat(reasons.poll(30, TimeUnit.SECONDS)).isNotNull();
        }

        // then
        assertThat(messages(Level.WARN)).hasSize(2).first().asString()
                .startsWith("EC2 rebalance recommendation (notice time 2026-12-02T01:00:00Z)");
    }

    @Test
    void inAutoModeAServiceThatIsDownLeavesTheWatcherOffWithOneDebugLine() throws Exception {
        // given: a port nothing listens on
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        URI endpoint = URI.create("http://127.0.0.1:" + port);

        // when
        try (SpotWatcher.Watch watch = new SpotWatcher(settings(Enabled.AUTO, endpoint)).watch(reason -> { })) {
            // then: the probe runs on the poller's thread, which ends after it
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while ((messages(Level.DEBUG).isEmpty() || spotWatcherThreadAlive()) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(messages(Level.DEBUG)).singleElement().asString()
                    .startsWith("Not watching for EC2 spot interruption notices: no instance metadata service at " + endpoint);
            assertThat(Thread.getAllStackTraces().keySet()).noneMatch(thread -> thread.getName().equals("spot-watcher"));
        }
    }

    @Test
    void disabledItNeitherProbesNorLogs() {
        try (SpotWatcher.Watch watch = new SpotWatcher(settings(Enabled.FALSE, metadata.endpoint())).watch(reason -> { })) {
            assertThat(appender.list).isEmpty();
        }
    }

    private static boolean spotWatcherThreadAlive() {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(thread -> thread.getName().equals("spot-watcher"));
    }

    private static NightshiftProperties.Spot settings(Enabled enabled, URI endpoint) {
        return new NightshiftProperties.Spot(enabled, endpoint, Duration.ofMillis(50));
    }

    private List<String> messages(Level level) {
        return appender.list.stream().filter(event -> event.getLevel() == level).map(ILoggingEvent::getFormattedMessage).toList();
    }
}
