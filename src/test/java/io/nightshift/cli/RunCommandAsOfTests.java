package io.nightshift.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/** {@code nightshift run --as-of}: the time a manual run resolves its spec's fire-time placeholders for. */
class RunCommandAsOfTests {

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    @Test
    void aLocalTimeIsInTheJobsZone() {
        assertThat(RunCommand.asOf("2026-12-02T02:00", BERLIN)).isEqualTo(Instant.parse("2026-12-02T01:00:00Z"));
    }

    @Test
    void aTimeWithAnOffsetOrZIsTakenAsWritten() {
        assertThat(RunCommand.asOf("2026-12-02T02:00:00Z", BERLIN)).isEqualTo(Instant.parse("2026-12-02T02:00:00Z"));
        assertThat(RunCommand.asOf("2026-12-02T02:00+05:00", BERLIN)).isEqualTo(Instant.parse("2026-12-01T21:00:00Z"));
    }

    @Test
    void anythingElseIsAUsageErrorThatShowsTheShape() {
        assertThatThrownBy(() -> RunCommand.asOf("yesterday", BERLIN))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--as-of must be an ISO date-time such as 2026-12-01T02:00")
                .hasMessageContaining("Europe/Berlin").hasMessageContaining("was 'yesterday'");
    }
}
