package io.nightshift.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@link NightshiftMetrics} every feature reports to: on the meter registry where there is one ({@code nightshift
 * serve}: Prometheus), otherwise {@link NightshiftMetrics#NONE} (the CLI commands exclude Boot's metrics
 * auto-configuration, see config/application.yaml).
 */
@Configuration(proxyBeanMethods = false)
class MetricsConfiguration {

    @Bean
    NightshiftMetrics nightshiftMetrics(ObjectProvider<MeterRegistry> registry) {
        MeterRegistry meters = registry.getIfAvailable();
        return meters == null ? NightshiftMetrics.NONE : new MicrometerMetrics(meters);
    }
}
