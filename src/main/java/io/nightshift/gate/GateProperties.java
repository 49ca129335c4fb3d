package io.nightshift.gate;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings under {@code nightshift.gate}; documented in {@code config/application.yaml}.
 *
 * @param policies           where {@code <model>.yaml} promotion policies are (relative to the working directory)
 * @param bootstrapSeed      the paired bootstrap's seed; recorded in every report, so an evaluation can be replayed
 * @param bootstrapResamples resamples of the paired bootstrap (at least 1,000 for a 95% interval worth reading)
 */
@ConfigurationProperties("nightshift.gate")
public record GateProperties(@DefaultValue("retrain-gate") Path policies, @DefaultValue("20261202") long bootstrapSeed,
        @DefaultValue("1000") int bootstrapResamples) {

    public GateProperties {
        policies = policies == null || policies.toString().isBlank() ? Path.of("retrain-gate") : policies;
        if (bootstrapResamples < 1) {
            throw new IllegalArgumentException("nightshift.gate.bootstrap-resamples must be at least 1, was " + bootstrapResamples);
        }
    }
}
