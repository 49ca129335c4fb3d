package io.nightshift.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.nightshift.testing.NightshiftProcess;
import io.nightshift.testing.ScoringFixtures;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A run's logs as production writes them: the prod profile (SPRING_PROFILES_ACTIVE=prod) on the real PostgreSQL, one
 * ECS JSON object per stderr line. Every line of the run carries its run id and job; every partition thread's line also
 * its partition and the run's pinned model.
 */
class RunLogsIntegrationTests {

    private static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/test";
    private static final String USER = "postgres";

    @TempDir
    Path workspace;
    String schema;

    @BeforeEach
    void createSchema() throws Exception {
        schema = "ns_logs_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
        try (Connection connection = DriverManager.getConnection(SERVER, USER, ""); Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA " + schema);
        }
    }

    @AfterEach
    void dropSchema() throws Exception {
        try (Connection connection = DriverManager.getConnection(SERVER, USER, ""); Statement statement = connection.createStatement()) {
            statement.execute("DROP SCHEMA " + schema + " CASCADE");
        }
    }

    @Test
    void everyJsonLineOfARunCarriesItsRunIdJobAndOnPartitionThreadsItsPartitionAndModel() throws Exception {
        // given
        Path input = workspace.resolve("input");
        ScoringFixtures.data(input, 2, 4_000, 1_000, 2);
        Path model = ScoringFixtures.logisticModel(workspace.resolve("model"), ScoringFixtures.FEATURES);
        NightshiftProcess process = new NightshiftProcess(workspace.resolve("home"), Map.of("SPRING_PROFILES_ACTIVE", "prod"),
                List.of("-Dspring.datasource.url=" + SERVER + "?currentSchema=" + schema, "-Dspring.datasource.username=" + USER,
                        "-Dspring.datasource.password=", "-Dspring.flyway.schemas=" + schema,
                        "-Dspring.flyway.default-schema=" + schema, "-Dlogging.level.io.nightshift=DEBUG")).withStderrApart();

        // when
        int exit = process.run("score", "--model", model.toString(), "--input", input.toString(), "--output",
                workspace.resolve("output").toString(), "--id-column", ScoringFixtures.ID, "--feature-prefix", "f",
                "--commit-interval", "1000", "--threads", "2");

        // then
        assertThat(exit).as(process.errors()).isZero();
        JsonMapper json = JsonMapper.builder().build();
        List<String> logLines = process.errors().lines().filter(line -> line.startsWith("{")).toList();
        assertThat(logLines).as(process.errors()).isNotEmpty();
        List<JsonNode> lines = logLines.stream().map(json::readTree).toList();
        List<JsonNode> runLines = lines.stream().filter(line -> line.has("runId")).toList();
        List<JsonNode> partitionLines = lines.stream().filter(line -> line.has("partition")).toList();
        assertThat(runLines).as(process.errors()).isNotEmpty()
                .allSatisfy(line -> assertThat(line.get("job").asString()).isEqualTo("score"));
        assertThat(partitionLines).as(process.errors()).isNotEmpty().allSatisfy(line -> {
            assertThat(line.has("runId")).as("a partition's line names its run: %s", line).isTrue();
            assertThat(line.get("partition").asString()).isNotBlank();
            assertThat(line.get("model").asString()).as("the pinned model in %s", line).isNotBlank();
        });
        assertThat(runLines.stream().map(line -> line.get("runId").asString()).distinct()).as("one run").hasSize(1);
    }
}
