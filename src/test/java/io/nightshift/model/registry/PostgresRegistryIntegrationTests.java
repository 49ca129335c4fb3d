package io.nightshift.model.registry;

import static io.nightshift.testing.InProcessCommand.nightshift;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nightshift.NightshiftApplication;
import io.nightshift.testing.InProcessCommand.Result;
import io.nightshift.testing.RegistryFixtures;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The registry on the real PostgreSQL of the dev and CI machine (prod profile), in a schema of its own that Flyway
 * migrates from empty and the class drops afterwards: the audit trail refuses UPDATE, DELETE and TRUNCATE by trigger
 * (whoever connects), and registration, four eyes and promotion work there as on H2.
 */
class PostgresRegistryIntegrationTests {

    private static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/test";
    private static final String USER = "postgres";

    @TempDir
    static Path workspace;
    static String schema;
    static final Map<String, String> properties = new LinkedHashMap<>();
    static ConfigurableApplicationContext context;
    static ModelRegistry registry;

    @BeforeAll
    static void createSchemaAndStart() throws Exception {
        schema = "ns_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
        try (Connection connection = DriverManager.getConnection(SERVER, USER, "");
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA " + schema);
        }
        properties.put("spring.profiles.active", "prod");
        properties.put("spring.datasource.url", SERVER + "?currentSchema=" + schema);
        properties.put("spring.datasource.username", USER);
        properties.put("spring.flyway.schemas", schema);
        properties.put("spring.flyway.default-schema", schema);
        properties.put("nightshift.home", workspace.resolve("home").toString());
        properties.forEach(System::setProperty);
        context = new SpringApplicationBuilder(NightshiftApplication.class).web(WebApplicationType.NONE).run();
        registry = context.getBean(ModelRegistry.class);
    }

    @AfterAll
    static void stopAndDropSchema() throws SQLException {
        if (context != null) {
            context.close();
        }
        properties.keySet().forEach(System::clearProperty);
        if (schema != null) {
            try (Connection connection = DriverManager.getConnection(SERVER, USER, "");
                    Statement statement = connection.createStatement()) {
                statement.execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }

    @Test
    void theAuditTrailRefusesUpdateDeleteAndTruncateEvenToTheSuperuser() throws Exception {
        // given: one audit row, from a registration
        Result register = nightshift("models", "register", model("audit-only", 1).toString(), "--name", "audit-only", "--by", "alice");
        assertThat(register.exitCode()).as(register.all()).isZero();

        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            // when / then
            assertThatThrownBy(() -> statement.executeUpdate("UPDATE NS_AUDIT SET ACTOR = 'mallory' WHERE MODEL_NAME = 'audit-only'"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("NS_AUDIT is append-only: UPDATE is refused");
            assertThatThrownBy(() -> statement.executeUpdate("DELETE FROM NS_AUDIT WHERE MODEL_NAME = 'audit-only'"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("NS_AUDIT is append-only: DELETE is refused");
            assertThatThrownBy(() -> statement.executeUpdate("TRUNCATE NS_AUDIT"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("NS_AUDIT is append-only: TRUNCATE is refused");
            // and the row is as it was written
            try (ResultSet rows = statement.executeQuery("SELECT ACTOR, ACTION FROM NS_AUDIT WHERE MODEL_NAME = 'audit-only'")) {
                assertThat(rows.next()).isTrue();
                assertThat(rows.getString(1)).isEqualTo("alice");
                assertThat(rows.getString(2)).isEqualTo("register");
                assertThat(rows.next()).isFalse();
            }
        }
        // while appending still works
        assertThat(nightshift("models", "alias", "audit-only", "candidate", "1", "--by", "alice").exitCode()).isZero();
        assertThat(registry.audit("audit-only")).extracting(AuditEntry::action).containsExactly("register", "alias");
    }

    @Test
    void fourEyesPromotionAndRollbackWorkOnPostgres() throws Exception {
        // given
        assertThat(nightshift("models", "register", model("pg-churn", 2).toString(), "--name", "pg-churn", "--by", "alice").exitCode())
                .isZero();
        assertThat(nightshift("models", "register", model("pg-churn-2", 3).toString(), "--name", "pg-churn", "--by", "alice").exitCode())
                .isZero();
        registry.recordGateResult("pg-churn", 1, true, null, 1, false, null, "gate");

        // when
        Result byRegistrant = nightshift("models", "approve", "pg-churn", "1", "--by", "alice", "--reason", "mine");
        Result byOther = nightshift("models", "approve", "pg-churn", "1", "--by", "bob", "--reason", "checked");
        registry.recordGateResult("pg-churn", 2, true, 1, 1, false, null, "gate");
        Result second = nightshift("models", "approve", "pg-churn", "2", "--by", "carol", "--reason", "better");
        Result rollback = nightshift("models", "rollback", "pg-churn", "--by", "bob", "--reason", "incident");

        // then
        assertThat(byRegistrant.exitCode()).isEqualTo(2);
        assertThat(byOther.exitCode()).as(byOther.all()).isZero();
        assertThat(second.out()).contains("production pg-churn@1 → pg-churn@2");
        assertThat(rollback.out()).contains("production pg-churn@2 → pg-churn@1");
        assertThat(registry.version("pg-churn@production").version()).isEqualTo(1);
        assertThat(registry.resolveVersion("pg-churn@production").artifact().sha256()).isEqualTo(registry.version("pg-churn@1").sha256());
    }

    private static Path model(String directory, long seed) throws java.io.IOException {
        return RegistryFixtures.modelDirectory(workspace.resolve("models").resolve(directory), seed);
    }

    private static Connection connect() throws SQLException {
        return DriverManager.getConnection(SERVER + "?currentSchema=" + schema, USER, "");
    }
}
