package io.nightshift.lineage;

import io.nightshift.NightshiftProperties;
import io.nightshift.NightshiftProperties.Lineage;
import io.openlineage.client.OpenLineageClient;
import io.openlineage.client.transports.ApiKeyTokenProvider;
import io.openlineage.client.transports.FileConfig;
import io.openlineage.client.transports.FileTransport;
import io.openlineage.client.transports.HttpConfig;
import io.openlineage.client.transports.HttpTransport;
import io.openlineage.client.transports.Transport;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@link RunLineage} of {@code nightshift.lineage}: {@link RunLineage#NONE} by default (no client is created and no
 * OpenLineage class is loaded), otherwise the OpenLineage client with a file or HTTP transport.
 */
@Configuration(proxyBeanMethods = false)
class LineageConfiguration {

    private static final Logger log = LoggerFactory.getLogger(LineageConfiguration.class);

    @Bean
    RunLineage runLineage(NightshiftProperties properties) {
        Lineage lineage = properties.lineage();
        if (lineage.transport() == Lineage.Transport.NONE) {
            return RunLineage.NONE;
        }
        String where = lineage.transport() == Lineage.Transport.FILE ? "file " + lineage.file() : "http " + lineage.url();
        log.info("Lineage: OpenLineage events of namespace {} go to {}", lineage.namespace(), where);
        return new OpenLineageRunLineage(new LineageEvents(lineage.namespace(), Clock.systemUTC()),
                new OpenLineageClient(transport(lineage)), where, lineage.timeout().plusSeconds(5));
    }

    private static Transport transport(Lineage lineage) {
        if (lineage.transport() == Lineage.Transport.FILE) {
            return new FileTransport(new FileConfig(lineage.file().toAbsolutePath().toString()));
        }
        HttpConfig config = new HttpConfig();
        config.setUrl(lineage.url());
        config.setTimeoutInMillis((int) lineage.timeout().toMillis());
        if (lineage.apiKeyEnv() != null) {
            String key = System.getenv(lineage.apiKeyEnv());
            if (key == null || key.isBlank()) {
                log.warn("Lineage: nightshift.lineage.api-key-env names {}, which is not set: events are sent without an "
                        + "API key", lineage.apiKeyEnv());
            } else {
                ApiKeyTokenProvider auth = new ApiKeyTokenProvider();
                auth.setApiKey(key);
                config.setAuth(auth);
            }
        }
        return new HttpTransport(config);
    }
}
