package io.nightshift;

import java.util.List;
import org.springframework.boot.autoconfigure.AutoConfigurationImportFilter;
import org.springframework.boot.autoconfigure.AutoConfigurationMetadata;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;

/**
 * Leaves out the auto-configurations only {@code nightshift serve} needs (its web server, REST API, security, health,
 * metrics, OpenAPI document, scheduler) unless the {@code serve} profile is active. The other commands start in about
 * a second and must not pay for them: with them, a {@code status} spent 0.5 s more CPU time building meter registries,
 * health contributors, a validator and a security configuration it never used. Filtering by package, before any
 * condition is evaluated, is both cheaper and shorter than a list of class names in {@code spring.autoconfigure.exclude}.
 * Registered in {@code META-INF/spring.factories}.
 */
public final class ServeOnlyAutoConfigurations implements AutoConfigurationImportFilter, EnvironmentAware {

    /** The profile that {@code nightshift serve} activates. */
    public static final String SERVE_PROFILE = "serve";

    static final List<String> SERVE_ONLY_PACKAGES = List.of(
            "org.springframework.boot.actuate.",
            "org.springframework.boot.micrometer.",
            "org.springframework.boot.health.",
            "org.springframework.boot.security.",
            "org.springframework.boot.webmvc.",
            "org.springframework.boot.servlet.",
            "org.springframework.boot.tomcat.",
            "org.springframework.boot.http.converter.",
            "org.springframework.boot.validation.",
            "org.springframework.boot.quartz.",
            "org.springframework.boot.batch.autoconfigure.observation.",
            "org.springframework.boot.jdbc.autoconfigure.metrics.",
            "org.springframework.boot.jdbc.autoconfigure.health.",
            "org.springdoc.");

    private boolean serve;

    @Override
    public void setEnvironment(Environment environment) {
        serve = environment.matchesProfiles(SERVE_PROFILE);
    }

    @Override
    public boolean[] match(String[] autoConfigurationClasses, AutoConfigurationMetadata metadata) {
        boolean[] matches = new boolean[autoConfigurationClasses.length];
        for (int i = 0; i < autoConfigurationClasses.length; i++) {
            matches[i] = serve || !serveOnly(autoConfigurationClasses[i]);
        }
        return matches;
    }

    static boolean serveOnly(String autoConfiguration) {
        return autoConfiguration != null && SERVE_ONLY_PACKAGES.stream().anyMatch(autoConfiguration::startsWith);
    }
}
