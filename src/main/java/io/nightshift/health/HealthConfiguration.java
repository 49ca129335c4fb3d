package io.nightshift.health;

import io.nightshift.metrics.NightshiftMetrics;
import io.nightshift.model.ModelResolver;
import io.nightshift.schedule.JobRegistry;
import io.nightshift.storage.Storage;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;

/**
 * The readiness checks of a scheduler node ({@code nightshift serve} only): the health group {@code ready}
 * (config/application-serve.yaml) holds them beside Boot's {@code db} (the job repository) and readiness state.
 * The bean names are the names in the group and in the {@code /health/ready} body.
 */
@Configuration(proxyBeanMethods = false)
@Profile("serve")
class HealthConfiguration {

    /** The group checked by the {@code nightshift_ready} gauge; the name its path ends with. */
    static final String READY_GROUP = "ready";

    @Bean
    JobStorageHealthIndicator jobStorage(JobRegistry registry, Storage storage, Clock clock) {
        return new JobStorageHealthIndicator(registry, storage, clock);
    }

    @Bean
    JobModelsHealthIndicator jobModels(JobRegistry registry, ModelResolver models) {
        return new JobModelsHealthIndicator(registry, models);
    }

    /** {@code nightshift_ready}: the readiness group's status at every scrape, for the "readiness failing" alert. */
    @Bean
    ApplicationListener<ApplicationReadyEvent> readinessGauge(ObjectProvider<HealthEndpoint> health, NightshiftMetrics metrics) {
        return event -> health.ifAvailable(endpoint -> metrics.readiness(() -> {
            var descriptor = endpoint.healthForPath(READY_GROUP);
            return descriptor != null && Status.UP.equals(descriptor.getStatus()) ? 1 : 0;
        }));
    }
}
