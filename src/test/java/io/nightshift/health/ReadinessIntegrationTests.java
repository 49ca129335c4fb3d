package io.nightshift.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.nightshift.testing.NightshiftProcess;
import io.nightshift.testing.RegistryFixtures;
import io.nightshift.testing.RunOutputs;
import io.nightshift.testing.ScoringFixtures;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The readiness proof on a real {@code nightshift serve} (the packaged jar, the job repository on the real PostgreSQL in
 * a schema of its own): with a scheduled job whose registered model is intact, {@code /health/ready} is 200 UP; with
 * the model's stored artifact tampered with, then removed, it is 503 naming the job, the model reference and why; with
 * it restored, 200 again. {@code /health/live} stays 200 throughout, and {@code /metrics} serves Prometheus text with
 * Nightshift's meters after a run.
 *
 * <p>The node runs with the REST API's security chain, which lets /health/** and /metrics through without credentials.
 */
class ReadinessIntegrationTests {

    private static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/test";
    private static final String USER = "postgres";
    private static final long PATIENCE_NANOS = 120_000_000_000L;
    private static final Pattern API = Pattern.compile("API on (http://localhost:\\d+)");

    @TempDir
    Path home;
    String schema;
    NightshiftProcess node;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void createSchema() throws Exception {
        schema = "ns_ready_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
        try (Connection connection = DriverManager.getConnection(SERVER, USER, ""); Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA " + schema);
        }
    }

    @AfterEach
    void stopNodeAndDropSchema() throws Exception {
        if (node != null && node.isAlive()) {
            node.kill();
        }
        try (Connection connection = DriverManager.getConnection(SERVER, USER, ""); Statement statement = connection.createStatement()) {
            statement.execute("DROP SCHEMA " + schema + " CASCADE");
        }
    }

    @Test
    void readinessFollowsTheRegisteredModelOfAScheduledJobWhileLivenessStaysUp() throws Exception {
        // given: a registered model, and a job scheduled at night scoring with it
        Path input = home.resolve("in");
        ScoringFixtures.data(input, 1, 2_000, 1_000, 1);
        Path model = RegistryFixtures.modelDirectory(home.resolve("model"), 7);
        NightshiftProcess cli = process("cli");
        assertThat(cli.run("models", "register", model.toString(), "--name", "churn", "--by", "alice")).as(cli.output()).isZero();
        Path jobs = Files.createDirectories(home.resolve("jobs"));
        writeJob(jobs, "nightly", input, "0 0 3 * * ?");

        // when: a node serves them
        node = process("node");
        node.start("serve", "--jobs", jobs.toString());
        RunOutputs.waitForOutput(node, "nightshift: serving");
        String api = apiAddress(node.output());

        // then: ready, with the model named and checked
        HttpResponse<String> ready = get(api + "/health/ready");
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
        assertThat(ready.body()).contains("\"status\":\"UP\"", "jobModels", "jobStorage", "\"db\"", "churn@1");
        assertThat(get(api + "/health/live").statusCode()).isEqualTo(200);

        // and: after a run of a job firing once in a few seconds (the node reloads the jobs directory every second),
        // /metrics serves its meters as Prometheus text
        writeJob(jobs, "soon", input, onceAt(Instant.now().plusSeconds(5)));
        String metrics = awaitMetric(api, "nightshift_run_duration_seconds_count{job=\"soon\",outcome=\"COMPLETED\"}");
        assertThat(metrics).contains("nightshift_rows_read_total{job=\"soon\",model=\"churn\"}",
                "nightshift_rows_rejected_total{", "nightshift_ready 1.0", "jvm_memory_used_bytes", "hikaricp_connections");

        // when: the stored artifact is tampered with
        Path stored = storedModel();
        byte[] original = Files.readAllBytes(stored);
        Files.write(stored, java.util.Arrays.copyOf(original, original.length + 1));

        // then: not ready, saying which job, which model and why; still live
        HttpResponse<String> tampered = get(api + "/health/ready");
        assertThat(tampered.statusCode()).as(tampered.body()).isEqualTo(503);
        assertThat(tampered.body()).contains("\"status\":\"DOWN\"", "nightly", "churn@1", "sha256");
        assertThat(get(api + "/health/live").statusCode()).isEqualTo(200);
        assertThat(get(api + "/metrics").body()).contains("nightshift_ready 0.0");

        // when: it is removed
        Files.delete(stored);

        // then: not ready either, still live
        HttpResponse<String> removed = get(api + "/health/ready");
        assertThat(removed.statusCode()).as(removed.body()).isEqualTo(503);
        assertThat(removed.body()).contains("nightly", "churn@1");
        assertThat(get(api + "/health/live").statusCode()).isEqualTo(200);

        // when: it is restored
        Files.write(stored, original);

        // then: ready again
        HttpResponse<String> restored = get(api + "/health/ready");
        assertThat(restored.statusCode()).as(restored.body()).isEqualTo(200);
        assertThat(get(api + "/health/live").statusCode()).isEqualTo(200);
        System.out.printf("readiness: UP, tampered -> %d, removed -> %d, restored -> %d; tampered body: %s%n",
                tampered.statusCode(), removed.statusCode(), restored.statusCode(), tampered.body());
    }

    private NightshiftProcess process(String name) {
        return new NightshiftProcess(home, Map.of(), name, List.of(
                "-Dspring.datasource.url=" + SERVER + "?currentSchema=" + schema,
                "-Dspring.datasource.username=" + USER,
                "-Dspring.datasource.password=",
                "-Dspring.flyway.schemas=" + schema,
                "-Dspring.flyway.default-schema=" + schema,
                "-Dserver.port=0",
                "-Dnightshift.serve.reload-interval=1s",
                "-Duser.timezone=UTC"));
    }

    private static void writeJob(Path jobs, String name, Path input, String cron) throws Exception {
        Files.writeString(jobs.resolve(name + ".yaml"), """
                name: %s
                model: churn@1
                input: %s
                output: ../out/%s
                id-column: %s
                batch-size: 500
                commit-interval: 500
                threads: 1
                schedule:
                  cron: "%s"
                  timezone: UTC
                """.formatted(name, input, name, ScoringFixtures.ID, cron));
    }

    /** A Quartz cron expression firing once, at {@code time} (to the second, UTC). */
    private static String onceAt(Instant time) {
        return DateTimeFormatter.ofPattern("s m H d M '?' yyyy", Locale.ROOT).format(time.atZone(ZoneOffset.UTC));
    }

    private static String apiAddress(String output) {
        Matcher matcher = API.matcher(output);
        if (!matcher.find()) {
            fail("no \"API on http://localhost:PORT\" in the serve output:%n%s", output);
        }
        return matcher.group(1);
    }

    /** The registry's copy of churn@1's model.onnx: {@code <home>/registry/churn/sha256/<sha256>/model.onnx}. */
    private Path storedModel() throws Exception {
        try (Stream<Path> files = Files.walk(home.resolve("var/registry/churn/sha256"))) {
            return files.filter(file -> file.getFileName().toString().equals("model.onnx")).findFirst().orElseThrow();
        }
    }

    private HttpResponse<String> get(String uri) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(uri)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private String awaitMetric(String api, String line) throws Exception {
        long deadline = System.nanoTime() + PATIENCE_NANOS;
        while (true) {
            String body = get(api + "/metrics").body();
            if (body.contains(line)) {
                return body;
            }
            assertThat(node.isAlive()).as("serve still running:%n%s", node.output()).isTrue();
            if (System.nanoTime() > deadline) {
                fail("gave up waiting for %s in /metrics after 120 s (a hang guard, not a speed check):%n%s%n%s", line, body,
                        node.output());
            }
            Thread.sleep(200);
        }
    }
}
