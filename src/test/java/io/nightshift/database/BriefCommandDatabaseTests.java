package io.nightshift.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A brief command (status, the registry's records) that finds no database server opens the database in its own
 * process, holding the locks that keep a server and every other command out until it closes; data written that way is
 * there for the next command. (Processes killed while holding it: EmbeddedDatabaseIntegrationTests.)
 */
class BriefCommandDatabaseTests {

    @TempDir
    Path home;

    @Test
    void aBriefCommandOpensTheDatabaseInItsOwnProcessAndWhatItWroteIsThereForTheNext() throws Exception {
        List<String> notices = new ArrayList<>();
        EmbeddedDatabase brief = database(true, Duration.ofSeconds(5), notices);

        try (EmbeddedDatabase.Session session = brief.openNow()) {
            assertThat(session.inProcess()).isTrue();
            assertThat(session.jdbcUrl()).startsWith("jdbc:h2:file:").contains("FILE_LOCK=FS");
            try (Connection connection = DriverManager.getConnection(session.jdbcUrl(), "sa", "");
                    Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE T(X INT)");
                statement.execute("INSERT INTO T VALUES (42)");
            }
        }

        try (EmbeddedDatabase.Session again = brief.openNow();
                Connection connection = DriverManager.getConnection(again.jdbcUrl(), "sa", "");
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT X FROM T")) {
            assertThat(again.inProcess()).isTrue();
            assertThat(rows.next()).isTrue();
            assertThat(rows.getInt(1)).isEqualTo(42);
        }
        assertThat(notices).isEmpty();
        assertThat(Files.exists(home.resolve("db").resolve(DatabaseServer.ADDRESS_FILE))).isFalse();
    }

    @Test
    void whileABriefCommandHoldsTheDatabaseAnotherCommandWaitsForItAndSaysSo() throws Exception {
        List<String> notices = new ArrayList<>();
        EmbeddedDatabase brief = database(true, Duration.ofSeconds(5), List.of());
        EmbeddedDatabase other = database(false, Duration.ofMillis(1_500), notices);

        try (EmbeddedDatabase.Session held = brief.openNow()) {
            assertThatThrownBy(other::openNow)
                    .isInstanceOf(DatabaseUnavailableException.class)
                    .hasMessageContaining("another command held")
                    .hasMessageContaining(DatabaseServer.CONNECT_LOCK);
        }
        assertThat(notices).singleElement().asString().contains("another command is connecting to it or starting its server");
        assertThat(ProcessFileLock.isHeld(home.resolve("db").resolve(DatabaseServer.SERVER_LOCK))).isFalse();
        assertThat(ProcessFileLock.isHeld(home.resolve("db").resolve(DatabaseServer.CONNECT_LOCK))).isFalse();
    }

    @Test
    void aBriefCommandWithTheWrongPasswordIsToldWhichSettingsMustMatch() throws Exception {
        try (EmbeddedDatabase.Session created = database(true, Duration.ofSeconds(5), List.of()).openNow()) {
            assertThat(created.inProcess()).isTrue();
        }
        EmbeddedDatabase wrong = new EmbeddedDatabase(new EmbeddedDatabase.Settings(home.resolve("db"), "nightshift", "sa", "not-it",
                Duration.ofSeconds(5), Duration.ofSeconds(30), true), ServerCommand.forThisProcess(), line -> { });

        assertThatThrownBy(wrong::openNow).isInstanceOf(DatabaseUnavailableException.class)
                .hasMessageContaining("spring.datasource.username and spring.datasource.password");
        assertThat(ProcessFileLock.isHeld(home.resolve("db").resolve(DatabaseServer.CONNECT_LOCK))).isFalse();
    }

    private EmbeddedDatabase database(boolean brief, Duration waitTimeout, List<String> notices) {
        return new EmbeddedDatabase(new EmbeddedDatabase.Settings(home.resolve("db"), "nightshift", "sa", "", waitTimeout,
                Duration.ofSeconds(30), brief), ServerCommand.forThisProcess(), notices::add);
    }
}
