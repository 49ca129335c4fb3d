package io.nightshift.gate;

import io.nightshift.metrics.NightshiftMetrics;
import io.nightshift.NightshiftProperties;
import io.nightshift.model.registry.ModelRegistry;
import io.nightshift.storage.Storage;
import java.time.Clock;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The gate's wiring: the promotion gate over the registry, reports first written under {@code <home>/gate}. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(GateProperties.class)
class GateConfiguration {

    @Bean
    PromotionGate promotionGate(ModelRegistry registry, Storage storage, GateProperties properties, NightshiftProperties nightshift,
            Clock clock, NightshiftMetrics metrics) {
        return new PromotionGate(registry, storage, properties, nightshift.home().resolve("gate"), clock, metrics);
    }
}
