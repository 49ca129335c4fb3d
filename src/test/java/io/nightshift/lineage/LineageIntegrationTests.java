package io.nightshift.lineage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.nightshift.testing.NightshiftProcess;
import io.nightshift.testing.ScoringFixtures;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OpenLineage events of `nightshift score` with the real jar: to a file (START, RUNNING once planned, then COMPLETE or
 * FAIL with the datasets, rows and model), to an HTTP endpoint (with the API key from the named environment variable),
 * and to an endpoint that is down, which costs the run one WARN line and nothing else.
 */
class LineageIntegrationTests {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path workspace;
    static Path input;
    static List<Path> inputFiles;
    static Path model;

    @BeforeAll
    static void smallInputAndModel() throws IOException {
        input = workspace.resolve("input");
        inputFiles = ScoringFixtures.data(input, 2, 2_000, 1_000, 3);
        model = ScoringFixtures.logisticModel(workspace.resolve("model"), ScoringFixtures.FEATURES);
    }

    @Test
    void aCompletedRunIsAStartThenACompleteWithItsDatasetsRowsAndModel() throws Exception {
        // given
        Path events = workspace.resolve("complete.jsonl");

        // when
        NightshiftProcess process = nightshift("complete", "-Dnightshift.lineage.transport=file",
                "-Dnightshift.lineage.file=" + events);
        assertThat(process.run(score("out-complete"))).as(process.output()).isZero();

        // then
        List<JsonNode> lines = read(events);
        assertThat(lines).extracting(event -> event.get("eventType").asText()).containsExactly("START", "RUNNING", "COMPLETE");
        assertThat(lines).extracting(event -> event.get("run").get("runId").asText()).containsOnly(lines.get(0).get("run")
                .get("runId").asText());
        JsonNode complete = lines.get(2);
        assertThat(complete.get("job").get("namespace").asText()).isEqualTo("nightshift");
        assertThat(complete.get("job").get("name").asText()).isEqualTo("score");
        assertThat(complete.get("inputs")).extracting(dataset -> dataset.get("namespace").asText() + " " + dataset.get("name").asText())
                .containsExactlyInAnyOrderElementsOf(inputFiles.stream().map(file -> "file " + file.toAbsolutePath()).toList());
        JsonNode output = complete.get("outputs").get(0);
        assertThat(output.get("name").asText()).startsWith(workspace.resolve("out-complete").toAbsolutePath().toString());
        JsonNode manifest = JSON.readTree(workspace.resolve("out-complete").resolve("_manifest.json").toFile());
        assertThat(output.get("outputFacets").get("outputStatistics").get("rowCount").asLong())
                .isEqualTo(manifest.get("rowsScored").asLong()).isEqualTo(4_000 - 6);
        JsonNode facets = complete.get("run").get("facets");
        assertThat(facets.get("nightshift_model").get("sha256").asText()).isEqualTo(sha256(model));
        assertThat(facets.get("nightshift_rows").get("input").asLong()).isEqualTo(4_000);
    }

    @Test
    void aFailedRunEndsWithAFailSayingWhy() throws Exception {
        // given: more rejects than allowed
        Path events = workspace.resolve("fail.jsonl");

        // when
        NightshiftProcess process = nightshift("fail", "-Dnightshift.lineage.transport=file", "-Dnightshift.lineage.file=" + events);
        assertThat(process.run(append(score("out-fail"), "--max-reject-fraction", "0"))).as(process.output()).isEqualTo(2);

        // then
        List<JsonNode> lines = read(events);
        assertThat(lines).extracting(event -> event.get("eventType").asText()).startsWith("START").endsWith("FAIL");
        JsonNode fail = lines.getLast();
        assertThat(fail.get("run").get("facets").get("errorMessage").get("message").asText()).contains("max-reject-fraction");
        assertThat(fail.get("inputs")).hasSize(2);
    }

    @Test
    void anHttpEndpointReceivesTheEventsWithTheApiKey() throws Exception {
        // given
        List<String> received = new CopyOnWriteArrayList<>();
        List<String> authorizations = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/v1/lineage", exchange -> {
            received.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
            exchange.sendResponseHeaders(201, -1);
            exchange.close();
        });
        server.start();
        try {
            // when
            NightshiftProcess process = new NightshiftProcess(workspace.resolve("home-http"), Map.of("LINEAGE_KEY", "s3cr3t-key"),
                    List.of("-Dnightshift.lineage.transport=http",
                            "-Dnightshift.lineage.url=http://127.0.0.1:" + server.getAddress().getPort(),
                            "-Dnightshift.lineage.api-key-env=LINEAGE_KEY"));
            assertThat(process.run(score("out-http"))).as(process.output()).isZero();

            // then
            assertThat(received).extracting(body -> JSON.readTree(body).get("eventType").asText())
                    .containsExactly("START", "RUNNING", "COMPLETE");
            assertThat(authorizations).containsOnly("Bearer s3cr3t-key");
            assertThat(process.output()).doesNotContain("s3cr3t-key");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void anUnreachableEndpointCostsOneWarningAndNotTheRun() throws Exception {
        // when: nothing listens on port 1
        NightshiftProcess process = nightshift("down", "-Dnightshift.lineage.transport=http",
                "-Dnightshift.lineage.url=http://127.0.0.1:1", "-Dnightshift.lineage.timeout=1s");
        int exit = process.run(score("out-down"));

        // then
        assertThat(exit).as(process.output()).isZero();
        assertThat(Files.exists(workspace.resolve("out-down").resolve("_SUCCESS"))).isTrue();
        assertThat(process.output().lines().filter(line -> line.contains("Lineage: cannot send"))).as(process.output())
                .hasSize(1).allMatch(line -> line.contains("WARN") && line.contains("http://127.0.0.1:1"));
    }

    private static NightshiftProcess nightshift(String name, String... jvmOptions) {
        return new NightshiftProcess(workspace.resolve("home-" + name), Map.of(), List.of(jvmOptions));
    }

    private static String[] score(String output) {
        return new String[] {"score", "--model", model.toString(), "--input", input.toString(), "--output",
                workspace.resolve(output).toString(), "--id-column", ScoringFixtures.ID, "--feature-prefix", "f",
                "--threads", "2"};
    }

    private static String[] append(String[] arguments, String... more) {
        List<String> all = new ArrayList<>(List.of(arguments));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    private static List<JsonNode> read(Path events) throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(events)) {
            lines.add(JSON.readTree(line));
        }
        return lines;
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
