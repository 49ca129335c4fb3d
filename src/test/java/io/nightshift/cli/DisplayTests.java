package io.nightshift.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/** Times, durations and locations as the command line shows them. */
class DisplayTests {

    @Test
    void aLocalFileIsShownAsItsPlainDecodedPath() {
        assertThat(Display.location("file:///data/night%20shift/out/")).isEqualTo("/data/night shift/out/");
        assertThat(Display.location("file:///data/scores")).isEqualTo("/data/scores");
        assertThat(Display.location("file:///data/%C3%A9t%C3%A9/")).isEqualTo("/data/été/");
    }

    @Test
    void otherLocationsAreShownAsTheyAre() {
        assertThat(Display.location("s3://bucket/night%20shift/")).isEqualTo("s3://bucket/night%20shift/");
        assertThat(Display.location("relative/path")).isEqualTo("relative/path");
        assertThat(Display.location(null)).isNull();
        assertThat(Display.locationOrDash(null)).isEqualTo("-");
    }

    @Test
    void timesAreToTheSecondInTheDefaultZoneWithItsName() {
        // given
        LocalDateTime time = LocalDateTime.of(2026, 12, 2, 1, 15, 13, 999_000_000);
        String zone = time.atZone(ZoneId.systemDefault()).format(java.time.format.DateTimeFormatter.ofPattern("z"));

        // then
        assertThat(Display.time(time)).isEqualTo("2026-12-02 01:15:13 " + zone);
        assertThat(Display.time((LocalDateTime) null)).isEqualTo("-");
        assertThat(Display.isoTime(time)).startsWith("2026-12-02T01:15:13.999");
    }

    @Test
    void durationsReadAsSecondsMinutesOrHours() {
        assertThat(Display.duration(Duration.ofMillis(1_640))).isEqualTo("1.6 s");
        assertThat(Display.duration(Duration.ofSeconds(192))).isEqualTo("3 min 12 s");
        assertThat(Display.duration(Duration.ofMinutes(125))).isEqualTo("2 h 05 min");
        assertThat(Display.duration(null)).isEqualTo("-");
    }
}
