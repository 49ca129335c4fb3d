package io.nightshift.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

/** Fire-time placeholders in locations: what each resolves to, in the job's zone, and what is an error. */
class FireTimeTemplateTests {

    private static final ZonedDateTime BERLIN_0200 = Instant.parse("2026-12-02T01:00:00Z").atZone(ZoneId.of("Europe/Berlin"));

    @Test
    void fireDateIsTheDateInTheJobsZone() {
        // when
        String resolved = FireTimeTemplate.resolve("s3://scores/churn/{fire_date}", BERLIN_0200, "output");

        // then
        assertThat(resolved).isEqualTo("s3://scores/churn/2026-12-02");
    }

    @Test
    void fireTimeTakesAPattern() {
        // when
        String resolved = FireTimeTemplate.resolve("out/{fire_time:yyyyMMdd'T'HHmm}/part", BERLIN_0200, "output");

        // then: 02:00 in Berlin, not 01:00 UTC
        assertThat(resolved).isEqualTo("out/20261202T0200/part");
    }

    @Test
    void fireTimeWithoutAPatternIsToTheSecond() {
        assertThat(FireTimeTemplate.resolve("{fire_time}", BERLIN_0200, "output")).isEqualTo("20261202T020000");
    }

    @Test
    void theZoneDecidesTheDateNearMidnight() {
        // given: 23:30 UTC on the 1st is already the 2nd in Berlin
        Instant lateEvening = Instant.parse("2026-12-01T23:30:00Z");

        // then
        assertThat(FireTimeTemplate.resolve("{fire_date}", lateEvening.atZone(ZoneId.of("UTC")), "output")).isEqualTo("2026-12-01");
        assertThat(FireTimeTemplate.resolve("{fire_date}", lateEvening.atZone(ZoneId.of("Europe/Berlin")), "output"))
                .isEqualTo("2026-12-02");
    }

    @Test
    void severalPlaceholdersResolveInOneLocation() {
        assertThat(FireTimeTemplate.resolve("s3://b/{fire_date}/{fire_time:HHmm}", BERLIN_0200, "output"))
                .isEqualTo("s3://b/2026-12-02/0200");
    }

    @Test
    void aGlobsAlternativesAreNotPlaceholders() {
        // when
        String resolved = FireTimeTemplate.resolve("in/{a,b}/*.parquet", BERLIN_0200, "input");

        // then
        assertThat(resolved).isEqualTo("in/{a,b}/*.parquet");
        assertThat(FireTimeTemplate.hasPlaceholders("in/{a,b}/*.parquet")).isFalse();
    }

    @Test
    void aLocationWithoutPlaceholdersIsKept() {
        assertThat(FireTimeTemplate.resolve("s3://scores/churn/nightly", BERLIN_0200, "output")).isEqualTo("s3://scores/churn/nightly");
        assertThat(FireTimeTemplate.resolve(null, BERLIN_0200, "rejects")).isNull();
    }

    @Test
    void anUnknownPlaceholderNamesTheFieldAndTheOneMeant() {
        assertThatThrownBy(() -> FireTimeTemplate.validate("s3://scores/{fire_dat}", "output"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'output': unknown placeholder {fire_dat}; did you mean {fire_date}?");
    }

    @Test
    void aBadPatternNamesTheField() {
        assertThatThrownBy(() -> FireTimeTemplate.validate("out/{fire_time:yyyyMMddqqqqqq}", "output"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'output': bad date-time pattern in {fire_time:yyyyMMddqqqqqq}");
    }

    @Test
    void fireDateTakesNoPattern() {
        assertThatThrownBy(() -> FireTimeTemplate.validate("out/{fire_date:yyyy}", "input"))
                .hasMessageContaining("'input': {fire_date} takes no pattern");
    }

    @Test
    void aJobSpecResolvesItsLocationsForAFireTime() {
        // given
        JobSpec spec = JobSpecParser.parse("""
                name: churn
                model: s3://models/churn
                input: s3://lake/{fire_date}/*.parquet
                output: s3://scores/churn/{fire_time:yyyyMMdd'T'HHmm}
                rejects: s3://scores/churn-rejects/{fire_date}
                schedule:
                  cron: 0 0 2 * * ?
                  timezone: Europe/Berlin
                """, "jobs/churn.yaml");

        // when
        var settings = spec.scoringAt(BERLIN_0200.toInstant());

        // then
        assertThat(settings.input()).isEqualTo("s3://lake/2026-12-02/*.parquet");
        assertThat(settings.output()).isEqualTo("s3://scores/churn/20261202T0200");
        assertThat(settings.rejects()).isEqualTo("s3://scores/churn-rejects/2026-12-02");
        assertThat(settings.model()).isEqualTo("s3://models/churn");
    }
}
