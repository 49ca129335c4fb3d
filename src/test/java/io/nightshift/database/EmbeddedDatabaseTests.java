package io.nightshift.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What a command says about the embedded database, and the settings it accepts (connecting is in the integration tests). */
class EmbeddedDatabaseTests {

    @Test
    void aServerFailureIsReportedWithoutH2sAdviceForOtherSetupsOrItsErrorCode() {
        String line = "cannot serve /home/me/var/db/nightshift: Database may be already in use: \"/home/me/var/db/nightshift.mv.db\". "
                + "Possible solutions: close all other connection(s); use the server mode [90020-240]";

        assertThat(EmbeddedDatabase.withoutH2Advice(line))
                .isEqualTo("cannot serve /home/me/var/db/nightshift: Database may be already in use: \"/home/me/var/db/nightshift.mv.db\"");
        assertThat(EmbeddedDatabase.withoutH2Advice("cannot serve x: Wrong user name or password [28000-240]"))
                .isEqualTo("cannot serve x: Wrong user name or password");
    }

    @Test
    void settingsHoldAnAbsoluteDirectoryAndRejectTimeoutsThatAreNotPositive() {
        EmbeddedDatabase.Settings settings = new EmbeddedDatabase.Settings(Path.of("var", "db"), "nightshift", "sa", null,
                Duration.ofSeconds(60), Duration.ofSeconds(30));

        assertThat(settings.directory()).isAbsolute().endsWithRaw(Path.of("var", "db"));
        assertThat(settings.password()).isEmpty();
        assertThatThrownBy(() -> new EmbeddedDatabase.Settings(Path.of("db"), "nightshift", "sa", "", Duration.ZERO, Duration.ofSeconds(30)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nightshift.database.wait-timeout");
        assertThatThrownBy(() -> new EmbeddedDatabase.Settings(Path.of("db"), "nightshift", "sa", "", Duration.ofSeconds(1),
                Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nightshift.database.server-idle-timeout");
    }
}
