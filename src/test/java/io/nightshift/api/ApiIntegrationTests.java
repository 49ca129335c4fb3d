package io.nightshift.api;

import static io.nightshift.testing.InProcessCommand.nightshift;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.nightshift.NightshiftApplication;
import io.nightshift.model.registry.ModelRegistry;
import io.nightshift.testing.InProcessCommand.Result;
import io.nightshift.testing.NightshiftProcess;
import io.nightshift.testing.RegistryFixtures;
import io.nightshift.testing.RunOutputs;
import io.nightshift.testing.ScoringFixtures;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The REST API of a real {@code nightshift serve} (the packaged jar, embedded database, a free port) over real HTTP:
 * every endpoint for every kind of caller (401 without or with bad credentials, 403 with the wrong role), the four eyes
 * through the API (the caller is who approves, whatever the body says), a triggered run answered at once and then
 * completed, problem details for an unknown run, a too-large body and a rate-limited burst, and planted secrets that
 * never show in the log or in any response.
 */
class ApiIntegrationTests {

    /** The planted secrets: every user's password and the admin token. Neither may appear in a log line or a body. */
    private static final String PASSWORD = "planted-Pa55word-7f3e";
    private static final String TOKEN = "planted-token-0b9c41d2e8";
    private static final String WRONG_TOKEN = "planted-wrong-token-55aa";
    private static final Pattern API_LINE = Pattern.compile("API on (http://localhost:\\d+)");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    static Path workspace;
    static Path home;
    static NightshiftProcess serve;
    static String base;
    static ConfigurableApplicationContext context;
    static ModelRegistry registry;
    static final HttpClient http = HttpClient.newHttpClient();
    /** Every response body of the class, scanned for the secrets at the end. */
    static final List<String> bodies = new ArrayList<>();

    enum Caller {
        NOBODY(null), VIEWER("viewer"), OPERATOR("operator"), APPROVER("approver"), ADMIN("admin"), BAD_TOKEN(null);

        final String user;

        Caller(String user) {
            this.user = user;
        }

        String authorization() {
            return switch (this) {
                case NOBODY -> null;
                case BAD_TOKEN -> "Bearer " + WRONG_TOKEN;
                default -> basic(user);
            };
        }
    }

    @BeforeAll
    static void serveAHomeWithAJobAndAModel() throws Exception {
        home = workspace.resolve("home");
        System.setProperty("nightshift.home", home.resolve("var").toString());
        Path input = workspace.resolve("input");
        ScoringFixtures.data(input, 1, 4_000, 1_000, 1);
        Path model = ScoringFixtures.logisticModel(workspace.resolve("model"), ScoringFixtures.FEATURES);
        Path jobs = Files.createDirectories(workspace.resolve("jobs"));
        Files.writeString(jobs.resolve("small.yaml"), """
                name: small
                model: %s
                input: %s
                output: %s/{fire_time:yyyyMMdd'T'HHmmss.SSS}
                id-column: %s
                feature-prefix: f
                threads: 1
                """.formatted(model, input, workspace.resolve("out"), ScoringFixtures.ID));
        Files.writeString(jobs.resolve("broken.yaml"), "name: broken\nmodel: [not a model\n");

        // A model registered by "approver", gated with two approvals needed: the four eyes have something to refuse.
        context = new SpringApplicationBuilder(NightshiftApplication.class).web(WebApplicationType.NONE).run();
        registry = context.getBean(ModelRegistry.class);
        Result register = nightshift("models", "register", RegistryFixtures.modelDirectory(workspace.resolve("churn"), 3).toString(),
                "--name", "churn", "--by", "approver");
        assertThat(register.exitCode()).as(register.all()).isZero();
        assertThat(register.all()).doesNotContainIgnoringCase("generated security password");
        registry.recordGateResult("churn", 1, true, null, 2, false, null, "gate");

        String hash = new BCryptPasswordEncoder(4).encode(PASSWORD);
        List<String> options = new ArrayList<>(List.of("-Dserver.port=0", "-Dnightshift.api.rate-limit.burst=30",
                "-Dnightshift.api.rate-limit.per-minute=6"));
        String[][] users = {{"viewer", "viewer"}, {"operator", "operator"}, {"approver", "approver"}, {"approver2", "approver"},
                {"admin", "admin"}};
        for (int i = 0; i < users.length; i++) {
            options.add("-Dnightshift.api.users[" + i + "].name=" + users[i][0]);
            options.add("-Dnightshift.api.users[" + i + "].password-hash=" + hash);
            options.add("-Dnightshift.api.users[" + i + "].roles=" + users[i][1]);
        }
        options.add("-Dnightshift.api.tokens[0].name=ci-bot");
        options.add("-Dnightshift.api.tokens[0].hash=" + CredentialHashes.sha256(TOKEN));
        options.add("-Dnightshift.api.tokens[0].roles=operator");
        serve = new NightshiftProcess(home, Map.of(), "serve", options);
        serve.start("serve", "--jobs", jobs.toString());
        // The whole line: read while half written, it once ended before the API's address.
        base = RunOutputs.waitForLine(serve, API_LINE).group(1);
    }

    @AfterAll
    static void stop() throws Exception {
        if (serve != null && serve.isAlive()) {
            serve.terminate();
            serve.waitFor(120);
        }
        if (context != null) {
            context.close();
        }
        System.clearProperty("nightshift.home");
    }

    /** What an endpoint needs: null for the GETs any viewer may call. */
    record Endpoint(String method, String path, Caller needs) {
    }

    private static final List<Endpoint> ENDPOINTS = List.of(
            new Endpoint("GET", "/api/jobs", Caller.VIEWER),
            new Endpoint("POST", "/api/jobs/reload", Caller.OPERATOR),
            new Endpoint("POST", "/api/jobs/no-such-job/runs", Caller.OPERATOR),
            new Endpoint("GET", "/api/runs", Caller.VIEWER),
            new Endpoint("GET", "/api/runs/999999", Caller.VIEWER),
            new Endpoint("POST", "/api/runs/999999/stop", Caller.OPERATOR),
            new Endpoint("POST", "/api/runs/999999/relaunch", Caller.OPERATOR),
            new Endpoint("POST", "/api/runs/999999/abandon", Caller.OPERATOR),
            new Endpoint("GET", "/api/models", Caller.VIEWER),
            new Endpoint("GET", "/api/models/churn", Caller.VIEWER),
            new Endpoint("GET", "/api/models/churn/history", Caller.VIEWER),
            new Endpoint("GET", "/api/models/churn/versions/1/report", Caller.VIEWER),
            new Endpoint("POST", "/api/models/no-such-model/versions/1/approve", Caller.APPROVER),
            new Endpoint("POST", "/api/models/no-such-model/versions/1/reject", Caller.APPROVER),
            new Endpoint("POST", "/api/models/no-such-model/rollback", Caller.APPROVER),
            new Endpoint("GET", "/api/audit", Caller.VIEWER),
            new Endpoint("GET", "/api/audit?model=churn", Caller.VIEWER));

    @Test
    void everyEndpointAnswersEachCallerByItsRoles() throws Exception {
        List<String> mismatches = new ArrayList<>();
        int calls = 0;
        for (Endpoint endpoint : ENDPOINTS) {
            for (Caller caller : Caller.values()) {
                HttpResponse<String> response = call(endpoint.method(), endpoint.path(), caller.authorization(), "{\"reason\": \"table\"}");
                calls++;
                int expected = switch (caller) {
                    case NOBODY, BAD_TOKEN -> 401;
                    case ADMIN -> 0;
                    case VIEWER -> endpoint.needs() == Caller.VIEWER ? 0 : 403;
                    case OPERATOR, APPROVER -> endpoint.needs() == Caller.VIEWER || endpoint.needs() == caller ? 0 : 403;
                };
                int status = response.statusCode();
                boolean right = expected == 0 ? status != 401 && status != 403 && status < 500 : status == expected;
                if (!right) {
                    mismatches.add("%s %s as %s: %d (expected %s) %s".formatted(endpoint.method(), endpoint.path(), caller, status,
                            expected == 0 ? "neither 401 nor 403" : expected, response.body()));
                }
                if (status == 401) {
                    assertThat(response.headers().allValues("WWW-Authenticate")).as(endpoint + " " + caller)
                            .anyMatch(value -> value.startsWith("Basic realm="));
                    assertProblem(response, 401, endpoint.path().replaceAll("\\?.*", ""));
                }
                if (status == 403) {
                    assertProblem(response, 403, endpoint.path().replaceAll("\\?.*", ""));
                }
            }
        }
        System.out.printf("api: %d endpoint × caller calls, %d endpoints, %d callers%n", calls, ENDPOINTS.size(), Caller.values().length);
        assertThat(mismatches).isEmpty();

        // and the token signs automation in with its roles; the documentation is public
        assertThat(call("POST", "/api/jobs/reload", "Bearer " + TOKEN, null).statusCode()).isEqualTo(200);
        assertThat(call("POST", "/api/models/churn/rollback", "Bearer " + TOKEN, "{\"reason\":\"x\"}").statusCode()).isEqualTo(403);
        HttpResponse<String> openApi = call("GET", "/v3/api-docs", null, null);
        assertThat(openApi.statusCode()).isEqualTo(200);
        assertThat(openApi.body()).contains("/api/runs/{id}/relaunch", "/api/models/{name}/versions/{version}/approve",
                "Start a run of the job now");
        assertThat(call("GET", "/swagger-ui.html", null, null).statusCode()).isNotIn(401, 403);
        JsonNode jobs = JSON.readTree(call("GET", "/api/jobs", Caller.VIEWER.authorization(), null).body());
        assertThat(jobs.findValuesAsString("name")).contains("small", "broken");
        for (JsonNode job : jobs) {
            assertThat(job.get("valid").asBoolean()).as(job.toString()).isEqualTo(!"broken".equals(job.get("name").asString()));
        }
    }

    @Test
    void theCallerIsWhoApprovesSoTheFourEyesHoldThroughTheApi() throws Exception {
        String approve = "/api/models/churn/versions/1/approve";
        // The registrant may not approve its own model, whatever the body claims.
        HttpResponse<String> byRegistrant = call("POST", approve, basic("approver"), "{\"reason\": \"mine\", \"by\": \"approver2\"}");
        assertProblem(byRegistrant, 409, approve);
        assertThat(byRegistrant.body()).contains("approver registered it");

        // A second approver counts once, however often it calls and whoever it names in the body.
        HttpResponse<String> first = call("POST", approve, basic("approver2"), "{\"reason\": \"checked\", \"by\": \"admin\"}");
        HttpResponse<String> again = call("POST", approve, basic("approver2"), "{\"reason\": \"checked again\"}");
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
        assertThat(JSON.readTree(again.body()).get("approvers").valueStream().map(JsonNode::asString)).containsExactly("approver2");
        assertThat(JSON.readTree(again.body()).get("promoted").asBoolean()).isFalse();

        // A decision needs a reason.
        assertProblem(call("POST", approve, basic("admin"), null), 400, approve);

        // The second person promotes it; the audit names the people as they signed in.
        HttpResponse<String> second = call("POST", approve, basic("admin"), "{\"reason\": \"agreed\"}");
        assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
        assertThat(JSON.readTree(second.body()).get("promoted").asBoolean()).isTrue();
        assertThat(registry.approvers(registry.version("churn@1"))).containsExactly("approver2", "admin");
        String audit = call("GET", "/api/audit?model=churn", basic("viewer"), null).body();
        assertThat(audit).contains("\"approver2\"", "\"admin\"").doesNotContain("mine");
    }

    @Test
    void aTriggeredRunIsAnsweredAtOnceAndThenCompletesAsAManualRunOfTheCaller() throws Exception {
        HttpResponse<String> trigger = call("POST", "/api/jobs/small/runs", basic("operator"), null);
        assertThat(trigger.statusCode()).as(trigger.body()).isEqualTo(202);
        JsonNode started = JSON.readTree(trigger.body());
        long runId = started.get("runId").asLong();
        assertThat(started.get("location").asString()).isEqualTo("/api/runs/" + runId);

        JsonNode run = awaitRun(runId);
        assertThat(run.get("status").asString()).isEqualTo("COMPLETED");
        assertThat(run.get("trigger").get("kind").asString()).isEqualTo("manual");
        assertThat(run.get("trigger").get("by").asString()).isEqualTo("operator");
        assertThat(run.get("progress").get("rowsDone").asLong()).isEqualTo(run.get("progress").get("rowsTotal").asLong()).isPositive();
        assertThat(run.get("partitions").size()).isPositive();
        assertThat(run.get("executions").size()).isEqualTo(1);
        HttpResponse<String> list = call("GET", "/api/runs?status=COMPLETED&limit=5", basic("viewer"), null);
        assertThat(JSON.readTree(list.body()).valueStream().map(listed -> listed.get("runId").asLong())).contains(runId);

        // A complete run can neither be stopped nor relaunched.
        assertProblem(call("POST", "/api/runs/" + runId + "/stop", basic("operator"), null), 409, "/api/runs/" + runId + "/stop");
        assertProblem(call("POST", "/api/runs/" + runId + "/relaunch", basic("operator"), null), 409, "/api/runs/" + runId + "/relaunch");
    }

    @Test
    void errorsAreProblemDetails() throws Exception {
        JsonNode unknown = assertProblem(call("GET", "/api/runs/424242", basic("viewer"), null), 404, "/api/runs/424242");
        assertThat(unknown.get("detail").asString()).contains("424242");
        assertProblem(call("GET", "/api/no-such-thing", basic("viewer"), null), 404, "/api/no-such-thing");
        assertProblem(call("DELETE", "/api/runs/1", basic("admin"), null), 405, "/api/runs/1");
        assertProblem(call("GET", "/api/runs/not-a-number", basic("viewer"), null), 400, "/api/runs/not-a-number");

        String big = "{\"reason\": \"" + "x".repeat(100_000) + "\"}";
        assertProblem(call("POST", "/api/models/churn/rollback", basic("admin"), big), 413, "/api/models/churn/rollback");

        // A burst beyond the bucket (30 at once, then 6 a minute) is refused with Retry-After.
        HttpResponse<String> limited = null;
        for (int i = 0; i < 60 && limited == null; i++) {
            HttpResponse<String> response = call("POST", "/api/runs/999999/stop", "Bearer " + TOKEN, null);
            if (response.statusCode() == 429) {
                limited = response;
            } else {
                assertThat(response.statusCode()).as(response.body()).isEqualTo(404);
            }
        }
        assertThat(limited).as("a 429 within 60 calls").isNotNull();
        assertThat(Long.parseLong(limited.headers().firstValue("Retry-After").orElseThrow())).isPositive();
        assertProblem(limited, 429, "/api/runs/999999/stop");
        // other callers have buckets of their own
        assertThat(call("POST", "/api/runs/999999/stop", basic("operator"), null).statusCode()).isEqualTo(404);
    }

    /** Scans every response of the class so far (whatever ran before) and the whole log, after provoking the credential paths. */
    @Test
    void thePlantedSecretsAppearInNoLogLineAndNoResponse() throws Exception {
        // Provoke the paths that handle credentials: a wrong password, a wrong token, a right token, an error.
        call("GET", "/api/runs", "Basic " + Base64.getEncoder().encodeToString(("admin:" + WRONG_TOKEN).getBytes(StandardCharsets.UTF_8)), null);
        call("GET", "/api/runs", "Bearer " + WRONG_TOKEN, null);
        call("GET", "/api/runs/1x", "Bearer " + TOKEN, null);
        call("GET", "/api/no-such-thing", basic("admin"), null);
        String basicAdmin = Base64.getEncoder().encodeToString(("admin:" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        List<String> scanned = new ArrayList<>(bodies);
        for (String body : scanned) {
            assertThat(body).doesNotContain(PASSWORD, TOKEN, WRONG_TOKEN, basicAdmin).doesNotContain("Exception", "\tat ");
        }
        assertThat(serve.output()).doesNotContain(PASSWORD, TOKEN, WRONG_TOKEN, basicAdmin);
        System.out.printf("api: %d response bodies and a %d-character log scanned for planted secrets%n", scanned.size(),
                serve.output().length());
    }

    private static JsonNode awaitRun(long runId) throws Exception {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (true) {
            HttpResponse<String> response = call("GET", "/api/runs/" + runId, basic("viewer"), null);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            JsonNode run = JSON.readTree(response.body());
            if (!run.get("running").asBoolean() && run.get("ended") != null && !run.get("ended").isNull()) {
                return run;
            }
            if (System.nanoTime() > deadline) {
                fail("run %d did not end: %s%n%s", runId, response.body(), serve.output());
            }
            Thread.sleep(100);
        }
    }

    private static JsonNode assertProblem(HttpResponse<String> response, int status, String instance) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.has("type")).as(response.body()).isTrue();
        assertThat(problem.get("title").asString()).isNotBlank();
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.get("detail").asString()).isNotBlank();
        assertThat(problem.get("instance").asString()).isEqualTo(instance);
        return problem;
    }

    private static HttpResponse<String> call(String method, String path, String authorization, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        synchronized (bodies) {
            bodies.add(response.body());
        }
        return response;
    }

    private static String basic(String user) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    }
}
