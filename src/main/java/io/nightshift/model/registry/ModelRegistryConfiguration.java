package io.nightshift.model.registry;

import io.nightshift.NightshiftProperties;
import io.nightshift.model.ModelCache;
import io.nightshift.storage.Storage;
import java.time.Clock;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The registry's wiring: its tables through the application's database, its files through {@link Storage}. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(RegistryProperties.class)
class ModelRegistryConfiguration {

    @Bean
    ModelRegistry modelRegistry(JdbcTemplate jdbc, PlatformTransactionManager transactionManager, Storage storage, ModelCache cache,
            RegistryProperties properties, NightshiftProperties nightshift, Clock clock) {
        String location = properties.location() != null ? properties.location() : nightshift.home().resolve("registry").toString();
        return new ModelRegistry(new RegistryStore(jdbc), new RegistryFiles(storage, location), storage, cache,
                new TransactionTemplate(transactionManager), clock);
    }
}
