package io.nightshift.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.nightshift.testing.NightshiftProcess;
import io.nightshift.testing.ScoringFixtures;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a command that cannot reach its job repository or its store prints, through the real jar: one line saying
 * what and why, and the exit code that says whether to fix something (2) or try again (1).
 */
class StartupErrorsIntegrationTests {

    /** The local test server (trust authentication, database test). */
    private static final String POSTGRES = "jdbc:postgresql://127.0.0.1:5432/test";

    @TempDir
    Path home;

    @Test
    void aPostgresRoleThatDoesNotExistIsOneLineNamingTheUrlAndExit2() throws Exception {
        // when
        NightshiftProcess process = new NightshiftProcess(home, Map.of("SPRING_PROFILES_ACTIVE", "prod", "SPRING_DATASOURCE_URL", POSTGRES,
                "SPRING_DATASOURCE_USERNAME", "nightshift_no_such_role"));
        int exitCode = process.run("status");

        // then
        assertThat(exitCode).as(process.output()).isEqualTo(2);
        assertThat(process.output().strip()).isEqualTo("nightshift: Cannot connect to the job repository at " + POSTGRES
                + ": FATAL: role \"nightshift_no_such_role\" does not exist -- check spring.datasource.url, username and password "
                + "(SPRING_DATASOURCE_URL, ...)");
    }

    @Test
    void aPostgresServerThatDoesNotAnswerIsOneLineNamingTheUrlAndExit1() throws Exception {
        // given: a port nothing listens on
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        String url = "jdbc:postgresql://127.0.0.1:" + port + "/test";

        // when
        NightshiftProcess process = new NightshiftProcess(home, Map.of("SPRING_DATASOURCE_URL", url));
        int exitCode = process.run("status");

        // then
        assertThat(exitCode).as(process.output()).isEqualTo(1);
        assertThat(process.output().strip().lines()).hasSize(1).first().asString()
                .startsWith("nightshift: Cannot connect to the job repository at " + url + ": Connection to 127.0.0.1:" + port + " refused")
                .endsWith("is the database up? The same command works once it answers");
    }

    @Test
    void anS3InputWithoutCredentialsIsOneLineSayingWhereCredentialsComeFromAndExit2() throws Exception {
        // given: no credentials anywhere the default chain looks, and an endpoint nothing answers on
        Path model = ScoringFixtures.logisticModel(home.resolve("model"), ScoringFixtures.FEATURES);
        Map<String, String> noCredentials = Map.of("AWS_ACCESS_KEY_ID", "", "AWS_SECRET_ACCESS_KEY", "", "AWS_SESSION_TOKEN", "",
                "AWS_SHARED_CREDENTIALS_FILE", home.resolve("none").toString(), "AWS_CONFIG_FILE", home.resolve("none").toString(),
                "AWS_EC2_METADATA_DISABLED", "true", "NIGHTSHIFT_S3_ENDPOINT", "http://127.0.0.1:9", "NIGHTSHIFT_S3_PATH_STYLE", "true");

        // when
        NightshiftProcess process = new NightshiftProcess(home, noCredentials, List.of());
        int exitCode = process.run("score", "--model", model.toString(), "--input", "s3://bucket/in/*.parquet", "--output",
                "s3://bucket/out", "--id-column", ScoringFixtures.ID);

        // then
        assertThat(exitCode).as(process.output()).isEqualTo(2);
        assertThat(process.output().strip()).isEqualTo("nightshift: No AWS credentials found: set AWS_PROFILE or "
                + "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run on a node with an instance role");
    }

    @Test
    void noArgumentsPrintsTheUsageAndExits2() throws IOException, InterruptedException {
        // when
        NightshiftProcess process = new NightshiftProcess(home, Map.of());
        int exitCode = process.run();

        // then
        assertThat(exitCode).isEqualTo(2);
        assertThat(process.output()).startsWith("Usage: nightshift").contains("Exit codes:");
    }
}
