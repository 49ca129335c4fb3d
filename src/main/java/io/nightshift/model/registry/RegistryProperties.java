package io.nightshift.model.registry;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings under {@code nightshift.registry}; documented in {@code config/application.yaml}.
 *
 * @param location where registered model versions and their gate reports are stored: a path, {@code file://} or
 *                 {@code s3://} location; empty or unset means {@code <home>/registry}
 */
@ConfigurationProperties("nightshift.registry")
public record RegistryProperties(String location) {

    public RegistryProperties {
        location = location == null || location.isBlank() ? null : location.strip();
        if (location != null && location.contains("*")) {
            throw new IllegalArgumentException("nightshift.registry.location must be one location, not a glob: " + location);
        }
    }
}
