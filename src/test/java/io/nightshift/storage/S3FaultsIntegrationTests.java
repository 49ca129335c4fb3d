package io.nightshift.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.nightshift.cli.Nightshift;
import io.nightshift.testing.FaultInjectingProxy;
import io.nightshift.testing.FaultInjectingProxy.Fault;
import io.nightshift.testing.S3TestServer;
import io.nightshift.testing.ConsoleCapture;
import io.nightshift.testing.ScoringFixtures;
import io.nightshift.testing.ScoringFixtures.CommittedOutput;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Whole scoring runs into S3 through a proxy that injects storage faults into a share of all requests (503 SlowDown,
 * 500 InternalError, resets while the request or the response body is in flight, 2 s delays). Input, model and
 * output all live in S3. At 10% a run must complete in its first attempt; at 30% it completes, or fails in a state a
 * relaunch completes; the committed output, read through its manifest, always equals a fault-free run's, row for row.
 *
 * <p>The faults are drawn from a seed printed at the start ({@code -Dnightshift.faults.seed=N} replays it). The
 * settings are the production defaults: only the endpoint points at the proxy.
 */
class S3FaultsIntegrationTests {

    private static final String BUCKET = "nightshift-faults";
    private static final long SEED = Long.getLong("nightshift.faults.seed", System.nanoTime());
    private static final Pattern RUN_ENDED = Pattern.compile("run (\\d+) execution \\d+: (\\w+)");
    // Small on purpose: every 2 s delay is paid in full, and dozens of requests are enough to draw a few faults
    // of each kind: 3 files × 4 row groups, a part per 250 rows, rejects in some chunks.
    private static final int FILES = 3;
    private static final long ROWS_PER_FILE = 1_000;
    private static final int ROW_GROUP_ROWS = 250;
    private static final int BAD_ROWS_PER_FILE = 2;

    @TempDir
    static Path workspace;
    static S3TestServer server;
    static FaultInjectingProxy proxy;
    static CommittedOutput faultFree;

    @TempDir
    Path home;
    private final Map<String, String> properties = new LinkedHashMap<>();

    @BeforeAll
    static void startServerAndProxyUploadInputsAndScoreWithoutFaults() throws Exception {
        System.out.printf("storage faults: drawn from seed %d (rerun with -Dnightshift.faults.seed=%d)%n", SEED, SEED);
        server = S3TestServer.start();
        proxy = FaultInjectingProxy.start(server.port());
        server.createBucket(BUCKET);
        for (Path file : ScoringFixtures.data(workspace.resolve("input"), FILES, ROWS_PER_FILE, ROW_GROUP_ROWS, BAD_ROWS_PER_FILE)) {
            server.client().putObject(request -> request.bucket(BUCKET).key("input/" + file.getFileName()), RequestBody.fromFile(file));
        }
        Path model = ScoringFixtures.logisticModel(workspace.resolve("model"), ScoringFixtures.FEATURES);
        server.client().putObject(request -> request.bucket(BUCKET).key("models/churn.onnx"), RequestBody.fromFile(model));

        Map<String, String> properties = applicationProperties(workspace.resolve("fault-free-home"));
        properties.forEach(System::setProperty);
        try {
            Run run = score("fault-free");
            assertThat(run.exitCode()).as(run.output()).isZero();
        } finally {
            properties.keySet().forEach(System::clearProperty);
        }
        faultFree = committed("fault-free");
        assertThat(faultFree.scores()).as("the fault-free run scored rows").isNotEmpty();
        assertThat(faultFree.rejects()).hasSize(FILES * BAD_ROWS_PER_FILE);
        System.out.printf("storage faults: the fault-free run made %s%n", proxy.summary());
    }

    @AfterAll
    static void stopProxyAndServer() throws Exception {
        if (proxy != null) {
            proxy.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void pointTheApplicationAtTheProxy() {
        properties.putAll(applicationProperties(home));
        properties.forEach(System::setProperty);
        proxy.reset();
    }

    @AfterEach
    void stopInjectingAndClearProperties() {
        proxy.reset();
        properties.keySet().forEach(System::clearProperty);
    }

    @Test
    void aRunCompletesInOneAttemptWithExactOutputWhenTenPercentOfRequestsAreAnsweredSlowDown(TestInfo test) throws Exception {
        completesInOneAttemptWithExactOutput(test, 0.10, EnumSet.of(Fault.SLOW_DOWN));
    }

    @Test
    void aRunCompletesInOneAttemptWithExactOutputWhenTenPercentOfRequestsAreAnsweredInternalError(TestInfo test) throws Exception {
        completesInOneAttemptWithExactOutput(test, 0.10, EnumSet.of(Fault.INTERNAL_ERROR));
    }

    @Test
    void aRunCompletesInOneAttemptWithExactOutputWhenTenPercentOfRequestsAreResetWhileSendingTheirBody(TestInfo test) throws Exception {
        completesInOneAttemptWithExactOutput(test, 0.10, EnumSet.of(Fault.RESET_DURING_REQUEST_BODY));
    }

    @Test
    void aRunCompletesInOneAttemptWithExactOutputWhenTenPercentOfResponsesAreResetWhileBeingRead(TestInfo test) throws Exception {
        completesInOneAttemptWithExactOutput(test, 0.10, EnumSet.of(Fault.RESET_DURING_RESPONSE_BODY));
    }

    @Test
    void aRunCompletesInOneAttemptWithExactOutputWhenTenPercentOfRequestsAreDelayedTwoSeconds(TestInfo test) throws Exception {
        completesInOneAttemptWithExactOutput(test, 0.10, EnumSet.of(Fault.DELAY));
    }

    @Test
    void aRunCompletesInOneAttemptWithExactOutputWhenTenPercentOfRequestsFailInEveryWay(TestInfo test) throws Exception {
        completesInOneAttemptWithExactOutput(test, 0.10, EnumSet.allOf(Fault.class));
    }

    @Test
    void aRunWithThirtyPercentOfRequestsFailingCompletesOrARelaunchCompletesItWithExactOutput(TestInfo test) throws Exception {
        // given
        String output = outputName(test);
        proxy.injectRandomly(SEED, 0.30, EnumSet.allOf(Fault.class));

        // when: a run, and a relaunch if (and only if) it failed
        Run first = score(output);
        int attempts = 1;
        Run last = first;
        if (first.exitCode() != 0) {
            assertThat(first.exitCode()).as("a failed run is a failed run (exit 1), not bad usage:\n" + first.output()).isEqualTo(1);
            assertThat(first.output()).contains("relaunch with: nightshift relaunch " + first.runId());
            last = Run.of(() -> Nightshift.execute("relaunch", Long.toString(first.runId())));
            attempts++;
        }
        String faults = proxy.summary();
        proxy.reset();

        // then
        assertThat(last.exitCode()).as("exit code of attempt %d (faults: %s):%n%s", attempts, faults, last.output()).isZero();
        CommittedOutput committed = assertSameOutputAsTheFaultFreeRun(output);
        report(test, 0.30, EnumSet.allOf(Fault.class), attempts, committed, faults);
    }

    private void completesInOneAttemptWithExactOutput(TestInfo test, double probability, Set<Fault> kinds) throws Exception {
        // given
        String output = outputName(test);
        proxy.injectRandomly(SEED, probability, kinds);

        // when
        Run run = score(output);
        String faults = proxy.summary();
        int injected = kinds.stream().mapToInt(proxy::injected).sum();
        proxy.reset();

        // then: the first attempt completed, faults were really injected, and the result is exact
        assertThat(run.exitCode()).as("exit code of the first attempt (faults: %s):%n%s", faults, run.output()).isZero();
        assertThat(injected).as("faults of the kinds under test injected (%s)", faults).isPositive();
        CommittedOutput committed = assertSameOutputAsTheFaultFreeRun(output);
        report(test, probability, kinds, 1, committed, faults);
    }

    private static CommittedOutput assertSameOutputAsTheFaultFreeRun(String output) throws IOException {
        CommittedOutput committed = committed(output);
        assertThat(committed.duplicates()).as("rows committed more than once").isZero();
        assertThat(committed.scores()).as("scores, row for row").isEqualTo(faultFree.scores());
        assertThat(committed.rejects()).as("rejects, row for row").isEqualTo(faultFree.rejects());
        assertThat(committed.files()).as("nothing but the manifest's parts and the commit markers under the output")
                .isEqualTo(ScoringFixtures.expectedFiles(committed.manifest()));
        assertThat(server.client().listMultipartUploads(request -> request.bucket(BUCKET)).uploads())
                .as("incomplete multipart uploads left behind").isEmpty();
        return committed;
    }

    private static void report(TestInfo test, double probability, Set<Fault> kinds, int attempts, CommittedOutput committed,
            String faults) {
        System.out.printf("storage faults: %s at %.0f%% %s: %d attempt(s), %d rows compared (%d scored, %d rejected); %s%n",
                test.getTestMethod().orElseThrow().getName(), probability * 100, kinds, attempts,
                committed.scores().size() + committed.rejects().size(), committed.scores().size(), committed.rejects().size(), faults);
    }

    private static Map<String, String> applicationProperties(Path home) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("nightshift.s3.endpoint", proxy.endpoint());
        properties.put("nightshift.s3.path-style", "true");
        properties.put("nightshift.s3.region", "us-east-1");
        // The SDK's default credential chain reads these before the environment and profile files.
        properties.put("aws.accessKeyId", server.accessKey());
        properties.put("aws.secretAccessKey", server.secretKey());
        properties.put("nightshift.home", home.toString());
        return properties;
    }

    private static String outputName(TestInfo test) {
        return "scores-" + test.getTestMethod().orElseThrow().getName();
    }

    private static Run score(String output) {
        return Run.of(() -> Nightshift.execute("score", "--input", "s3://" + BUCKET + "/input/",
                "--output", "s3://" + BUCKET + "/" + output + "/", "--model", "s3://" + BUCKET + "/models/churn.onnx",
                "--id-column", ScoringFixtures.ID, "--feature-prefix", "f", "--commit-interval", "250", "--threads", "2"));
    }

    /** Downloads everything under the output prefix, bypassing the proxy, and reads it through its manifest. */
    private static CommittedOutput committed(String output) throws IOException {
        String prefix = output + "/";
        Path directory = workspace.resolve("downloaded").resolve(output);
        S3Client client = server.client();
        List<S3Object> objects = client.listObjectsV2Paginator(request -> request.bucket(BUCKET).prefix(prefix)).contents()
                .stream().toList();
        for (S3Object object : objects) {
            Path target = directory.resolve(object.key().substring(prefix.length()));
            Files.createDirectories(target.getParent());
            client.getObject(request -> request.bucket(BUCKET).key(object.key()), ResponseTransformer.toFile(target));
        }
        return ScoringFixtures.read(directory, "score");
    }

    /** A command's exit code and what it printed on stdout (still shown on the console). */
    private record Run(int exitCode, String output) {
        static Run of(Supplier<Integer> command) {
            ConsoleCapture.Captured captured = ConsoleCapture.capture(command);
            return new Run(captured.exitCode(), captured.output());
        }

        long runId() {
            Matcher matcher = RUN_ENDED.matcher(output);
            assertThat(matcher.find()).as("a run summary in:\n" + output).isTrue();
            return Long.parseLong(matcher.group(1));
        }
    }

}
