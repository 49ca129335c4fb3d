package io.nightshift.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.nightshift.demo.SyntheticData;
import io.nightshift.testing.NightshiftProcess;
import io.nightshift.testing.RegistryFixtures;
import io.nightshift.testing.RunOutputs;
import io.nightshift.testing.ScoringFixtures;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The REST API of a real {@code nightshift serve} (the packaged jar) on the real PostgreSQL, over real HTTP: every
 * endpoint with each kind of caller, the registry's four eyes through the API, a triggered run that returns at once and
 * then completes, the problem-details shape of errors and limits, and a planted password and token that must appear
 * in no log line and no response body.
 */
class ApiSecurityIntegrationTests {

    private static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/test";
    private static final String USER = "postgres";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** Secrets planted in the configuration and sent on requests; neither may show up in any log or body. */
    private static final String PLANTED_PASSWORD = "planted-password-" + UUID.randomUUID();
    private static final String PLANTED_TOKEN = "planted-token-" + UUID.randomUUID();
    private static final String OPERATOR_TOKEN = "operator-token-" + UUID.randomUUID();
    private static final String BURST_TOKEN = "burst-token-" + UUID.randomUUID();
    private static final String PASSWORD = "nightshift";
    private static final int BURST = 30;

    @TempDir
    static Path workspace;
    static String schema;
    static NightshiftProcess serve;
    static String base;
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final List<String> bodies = new ArrayList<>();

    /** Who calls: an Authorization header value, or null for none. */
    enum Caller {
        NONE(null), VIEWER(basic("viewer", PASSWORD)), OPERATOR("Bearer " + OPERATOR_TOKEN), APPROVER(basic("demo-approver", PASSWORD)),
        ADMIN(basic("demo", PASSWORD)), BAD_TOKEN("Bearer not-a-token");

        final String authorization;

        Caller(String authorization) {
            this.authorization = authorization;
        }
    }

    /** One endpoint and the least role it needs. */
    record Endpoint(String method, String path, String body, String role) {
        boolean allows(Caller caller) {
            return switch (caller) {
                case NONE, BAD_TOKEN -> false;
                case ADMIN -> true;
                case VIEWER -> role.equals("viewer");
                case OPERATOR -> role.equals("viewer") || role.equals("operator");
                case APPROVER -> role.equals("viewer") || role.equals("approver");
            };
        }
    }

    static final List<Endpoint> ENDPOINTS = List.of(
            new Endpoint("GET", "/api/jobs", null, "viewer"),
            new Endpoint("POST", "/api/jobs/reload", null, "operator"),
            new Endpoint("POST", "/api/jobs/no-such-job/runs", null, "operator"),
            new Endpoint("GET", "/api/runs", null, "viewer"),
            new Endpoint("GET", "/api/runs/999999", null, "viewer"),
            new Endpoint("POST", "/api/runs/999999/stop", null, "operator"),
            new Endpoint("POST", "/api/runs/999999/relaunch", null, "operator"),
            new Endpoint("POST", "/api/runs/999999/abandon", null, "operator"),
            new Endpoint("GET", "/api/models", null, "viewer"),
            new Endpoint("GET", "/api/models/no-such-model", null, "viewer"),
            new Endpoint("GET", "/api/models/no-such-model/history", null, "viewer"),
            new Endpoint("GET", "/api/models/no-such-model/versions/1/report", null, "viewer"),
            new Endpoint("POST", "/api/models/no-such-model/versions/1/approve", "{\"reason\":\"r\"}", "approver"),
            new Endpoint("POST", "/api/models/no-such-model/versions/1/reject", "{\"reason\":\"r\"}", "approver"),
            new Endpoint("POST", "/api/models/no-such-model/rollback", "{\"reason\":\"r\"}", "approver"),
            new Endpoint("GET", "/api/audit", null, "viewer"));

    @BeforeAll
    static void serveWithAJobAndACandidateModel() throws Exception {
        schema = "ns_api_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
        try (Connection connection = DriverManager.getConnection(SERVER, USER, ""); Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA " + schema);
        }
        Path home = Files.createDirectories(workspace.resolve("home"));
        Path jobs = Files.createDirectories(workspace.resolve("jobs"));
        Path input = workspace.resolve("input");
        ScoringFixtures.data(input, 1, 2_000, 1_000, 1);
        Path model = ScoringFixtures.logisticModel(workspace.resolve("model"), ScoringFixtures.FEATURES);
        Files.writeString(jobs.resolve("manual.yaml"), """
                name: manual
                model: %s
                input: %s
                output: %s
                id-column: %s
                feature-prefix: f
                """.formatted(model, input, workspace.resolve("out/manual"), ScoringFixtures.ID));
        // A candidate registered by demo and passed by the gate, pending two approvals.
        SyntheticData.write(SyntheticData.Spec.anonymous(1, 2_000, 12, 20261202L), workspace.resolve("holdout"));
        Path policy = workspace.resolve("policy.yaml");
        Files.writeString(policy, """
                threshold: 0.5
                checks:
                  - metric: roc_auc
                    threshold: 0.0
                    min_absolute_change: 0.0
                    require_significant: false
                collapse: {max_majority_share: 1.0, min_score_std: 0.0}
                approvals_required: 2
                holdout: holdout
                label_column: churned
                """);
        NightshiftProcess cli = process(home, "cli");
        assertThat(cli.run("models", "register", RegistryFixtures.modelDirectory(workspace.resolve("candidate"), 7).toString(),
                "--name", "churn", "--by", "demo")).as(cli.output()).isZero();
        assertThat(cli.run("gate", "churn", "--candidate", "1", "--policy", policy.toString(), "--by", "carol")).as(cli.output()).isZero();

        serve = process(home, "serve");
        serve.start("serve", "--jobs", jobs.toString());
        RunOutputs.waitForOutput(serve, "API on http://localhost:");
        Matcher port = Pattern.compile("API on (http://localhost:\\d+)").matcher(serve.output());
        assertThat(port.find()).as(serve.output()).isTrue();
        base = port.group(1);
    }

    @AfterAll
    static void stopAndDropSchema() throws Exception {
        if (serve != null && serve.isAlive()) {
            serve.kill();
        }
        try (Connection connection = DriverManager.getConnection(SERVER, USER, ""); Statement statement = connection.createStatement()) {
            statement.execute("DROP SCHEMA " + schema + " CASCADE");
        }
    }

    @Test
    void everyEndpointAnswersEachCallerByItsRole() throws Exception {
        List<String> wrong = new ArrayList<>();
        for (Endpoint endpoint : ENDPOINTS) {
            for (Caller caller : Caller.values()) {
                HttpResponse<String> response = call(endpoint.method(), endpoint.path(), endpoint.body(), caller.authorization);
                int status = response.statusCode();
                boolean ok = caller == Caller.NONE || caller == Caller.BAD_TOKEN ? status == 401
                        : endpoint.allows(caller) ? status != 401 && status != 403 && status < 500 : status == 403;
                if (!ok) {
                    wrong.add(endpoint.method() + " " + endpoint.path() + " as " + caller + ": " + status + " " + response.body());
                }
                if (status == 401) {
                    assertThat(response.headers().allValues("WWW-Authenticate")).contains("Basic realm=\"nightshift\"");
                }
            }
        }
        assertThat(wrong).isEmpty();
    }

    @Test
    void theApproverIsTheCallerSoFourEyesHoldThroughTheApi() throws Exception {
        // when: the registrant approves its own candidate, then someone else approves it twice, naming another person
        HttpResponse<String> byRegistrant = call("POST", "/api/models/churn/versions/1/approve", "{\"reason\":\"mine\"}",
                Caller.ADMIN.authorization);
        HttpResponse<String> first = call("POST", "/api/models/churn/versions/1/approve",
                "{\"reason\":\"report read\",\"by\":\"someone-else\"}", Caller.APPROVER.authorization);
        HttpResponse<String> again = call("POST", "/api/models/churn/versions/1/approve",
                "{\"reason\":\"as a second person\",\"by\":\"a-second-person\"}", Caller.APPROVER.authorization);
        JsonNode audit = JSON.readTree(call("GET", "/api/audit?model=churn", null, Caller.VIEWER.authorization).body());

        // then: the registrant is refused; the approver counts once, under its own name; nothing is promoted
        assertThat(byRegistrant.statusCode()).as(byRegistrant.body()).isEqualTo(409);
        assertThat(JSON.readTree(byRegistrant.body()).get("detail").asString()).contains("demo registered it");
        assertThat(JSON.readTree(byRegistrant.body()).get("disposition").asString()).isEqualTo("USAGE");
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        assertThat(JSON.readTree(first.body()).get("approvers").toString()).isEqualTo("[\"demo-approver\"]");
        assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
        JsonNode second = JSON.readTree(again.body());
        assertThat(second.get("counted").asBoolean()).isFalse();
        assertThat(second.get("promoted").asBoolean()).isFalse();
        assertThat(second.get("approvers").toString()).isEqualTo("[\"demo-approver\"]");
        List<String> approvers = new ArrayList<>();
        audit.forEach(entry -> {
            if ("approve".equals(entry.get("action").asString())) {
                approvers.add(entry.get("actor").asString());
            }
        });
        assertThat(approvers).containsOnly("demo-approver").hasSize(2);
    }

    @Test
    void aTriggerReturnsTheRunIdAtOnceAndTheRunThenCompletes() throws Exception {
        // when
        HttpResponse<String> triggered = call("POST", "/api/jobs/manual/runs", null, Caller.OPERATOR.authorization);

        // then
        assertThat(triggered.statusCode()).as(triggered.body()).isEqualTo(202);
        long runId = JSON.readTree(triggered.body()).get("runId").asLong();
        JsonNode run = null;
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (System.nanoTime() < deadline) {
            run = JSON.readTree(call("GET", "/api/runs/" + runId, null, Caller.VIEWER.authorization).body());
            if (!run.get("running").asBoolean() && !"STARTING".equals(run.get("status").asString())) {
                break;
            }
            Thread.sleep(200);
        }
        assertThat(run.get("status").asString()).as(run.toString()).isEqualTo("COMPLETED");
        assertThat(run.get("trigger").get("kind").asString()).isEqualTo("manual");
        assertThat(run.get("trigger").get("by").asString()).isEqualTo("ci-operator");
        assertThat(run.get("progress").get("rowsDone").asLong()).isEqualTo(2_000);
        assertThat(run.get("partitions").size()).isPositive();
    }

    @Test
    void errorsAreProblemDetails() throws Exception {
        // when
        HttpResponse<String> unknownRun = call("GET", "/api/runs/424242", null, Caller.VIEWER.authorization);
        HttpResponse<String> tooLarge = call("POST", "/api/models/churn/rollback", "{\"reason\":\"" + "x".repeat(70_000) + "\"}",
                Caller.APPROVER.authorization);
        HttpResponse<String> limited = null;
        for (int i = 0; i <= BURST && (limited == null || limited.statusCode() != 429); i++) {
            limited = call("POST", "/api/runs/424242/stop", null, "Bearer " + BURST_TOKEN);
        }

        // then
        assertProblem(unknownRun, 404, "/api/runs/424242", "No run with id 424242");
        assertProblem(tooLarge, 413, "/api/models/churn/rollback", "nightshift.api.max-body-size");
        assertProblem(limited, 429, "/api/runs/424242/stop", "nightshift.api.rate-limit");
        assertThat(Long.parseLong(limited.headers().firstValue("Retry-After").orElseThrow())).isPositive();
    }

    @Test
    void plantedSecretsAppearInNoLogAndNoResponse() throws Exception {
        // given: the planted password and token, right and wrong, on requests
        call("GET", "/api/runs", null, basic("planted", PLANTED_PASSWORD));
        call("GET", "/api/runs", null, basic("planted", PLANTED_PASSWORD + "-wrong"));
        call("GET", "/api/runs", null, "Bearer " + PLANTED_TOKEN);
        call("GET", "/api/runs", null, "Bearer " + PLANTED_TOKEN + "-wrong");
        call("POST", "/api/runs/1/stop", null, "Bearer " + PLANTED_TOKEN);
        call("GET", "/v3/api-docs", null, null);
        call("GET", "/health/ready", null, null);

        // then: no log file of the home and no body holds either
        List<String> texts = new ArrayList<>(bodies);
        texts.add(serve.output());
        try (Stream<Path> files = Files.walk(workspace.resolve("home"))) {
            for (Path file : files.filter(Files::isRegularFile).filter(path -> path.toString().endsWith(".log")).toList()) {
                texts.add(Files.readString(file, StandardCharsets.ISO_8859_1));
            }
        }
        String base64Password = Base64.getEncoder().encodeToString(("planted:" + PLANTED_PASSWORD).getBytes(StandardCharsets.UTF_8));
        assertThat(texts).hasSizeGreaterThan(5).noneMatch(text -> text.contains(PLANTED_PASSWORD) || text.contains(PLANTED_TOKEN)
                || text.contains(base64Password) || text.contains(OPERATOR_TOKEN));
    }

    private static void assertProblem(HttpResponse<String> response, int status, String instance, String detail) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("status").asInt()).isEqualTo(status);
        assertThat(body.get("type").asString()).isNotEmpty();
        assertThat(body.get("title").asString()).isNotEmpty();
        assertThat(body.get("instance").asString()).isEqualTo(instance);
        assertThat(body.get("detail").asString()).contains(detail);
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    private static HttpResponse<String> call(String method, String path, String body, String authorization)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        synchronized (bodies) {
            bodies.add(response.headers().map() + " " + response.body());
        }
        return response;
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** A process on this test's schema, with the test's users and tokens (the planted ones among them). */
    private static NightshiftProcess process(Path home, String name) {
        String bcrypt = new BCryptPasswordEncoder(4).encode(PASSWORD);
        List<String> options = new ArrayList<>(List.of(
                "-Dspring.datasource.url=" + SERVER + "?currentSchema=" + schema,
                "-Dspring.datasource.username=" + USER,
                "-Dspring.datasource.password=",
                "-Dspring.flyway.schemas=" + schema,
                "-Dspring.flyway.default-schema=" + schema,
                "-Dserver.port=0",
                "-Dlogging.level.org.springframework.security=DEBUG",
                "-Dlogging.level.org.springframework.web=DEBUG",
                "-Dnightshift.api.rate-limit.per-minute=1",
                "-Dnightshift.api.rate-limit.burst=" + BURST));
        String[][] users = {{"demo", bcrypt, "admin"}, {"demo-approver", bcrypt, "approver"}, {"viewer", bcrypt, "viewer"},
                {"planted", new BCryptPasswordEncoder(4).encode(PLANTED_PASSWORD), "viewer"}};
        for (int i = 0; i < users.length; i++) {
            options.add("-Dnightshift.api.users[" + i + "].name=" + users[i][0]);
            options.add("-Dnightshift.api.users[" + i + "].password-hash=" + users[i][1]);
            options.add("-Dnightshift.api.users[" + i + "].roles=" + users[i][2]);
        }
        String[][] tokens = {{"ci-operator", OPERATOR_TOKEN, "operator"}, {"ci-burst", BURST_TOKEN, "operator"},
                {"planted-token", PLANTED_TOKEN, "viewer"}};
        for (int i = 0; i < tokens.length; i++) {
            options.add("-Dnightshift.api.tokens[" + i + "].name=" + tokens[i][0]);
            options.add("-Dnightshift.api.tokens[" + i + "].hash=" + CredentialHashes.sha256(tokens[i][1]));
            options.add("-Dnightshift.api.tokens[" + i + "].roles=" + tokens[i][2]);
        }
        return new NightshiftProcess(home, Map.of(), name, options);
    }
}
