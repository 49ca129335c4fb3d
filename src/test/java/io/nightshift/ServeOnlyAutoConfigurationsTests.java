package io.nightshift;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

class ServeOnlyAutoConfigurationsTests {

    private static final String[] CANDIDATES = {
            "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
            "org.springframework.boot.batch.jdbc.autoconfigure.BatchJdbcAutoConfiguration",
            "org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration",
            "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
            "org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration",
            "org.springframework.boot.quartz.autoconfigure.QuartzAutoConfiguration",
            "org.springframework.boot.jdbc.autoconfigure.health.DataSourceHealthContributorAutoConfiguration",
            "org.springdoc.core.configuration.SpringDocConfiguration"};

    @Test
    void commandsOtherThanServeStartWithoutTheWebServerSecurityMetricsOrScheduler() {
        assertThat(filter(new MockEnvironment()).match(CANDIDATES, null))
                .containsExactly(true, true, false, false, false, false, false, false);
    }

    @Test
    void serveGetsThemAll() {
        MockEnvironment serve = new MockEnvironment();
        serve.setActiveProfiles("prod", ServeOnlyAutoConfigurations.SERVE_PROFILE);

        assertThat(filter(serve).match(CANDIDATES, null)).containsOnly(true);
    }

    private static ServeOnlyAutoConfigurations filter(MockEnvironment environment) {
        ServeOnlyAutoConfigurations filter = new ServeOnlyAutoConfigurations();
        filter.setEnvironment(environment);
        return filter;
    }
}
