package io.nightshift.health;

import io.nightshift.schedule.JobRegistry;
import io.nightshift.scoring.ScoringSettings;
import io.nightshift.storage.Storage;
import java.io.IOException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Readiness: the storage every scheduled scoring job reads and writes answers (an S3 bucket answers HeadBucket, a
 * local directory is readable). One request per distinct location, whatever the number of jobs sharing it. A missing
 * input file is not checked here: that is the fire's business (its run fails to start, saying which input).
 */
final class JobStorageHealthIndicator implements HealthIndicator {

    private final JobRegistry registry;
    private final Storage storage;
    private final Clock clock;

    JobStorageHealthIndicator(JobRegistry registry, Storage storage, Clock clock) {
        this.registry = registry;
        this.storage = storage;
        this.clock = clock;
    }

    @Override
    public Health health() {
        Set<String> locations = new TreeSet<>();
        for (JobRegistry.JobState state : registry.jobs()) {
            if (state.scheduled() && state.spec().scoring() != null) {
                ScoringSettings settings = state.spec().scoringAt(clock.instant());
                locations.add(settings.input());
                locations.add(settings.output());
                if (settings.rejects() != null) {
                    locations.add(settings.rejects());
                }
            }
        }
        Map<String, String> unreachable = new LinkedHashMap<>();
        for (String location : locations) {
            try {
                storage.checkReachable(location);
            } catch (IOException | RuntimeException e) {
                unreachable.put(location, e.getMessage());
            }
        }
        Health.Builder health = unreachable.isEmpty() ? Health.up() : Health.down();
        return health.withDetail("locations", locations.size()).withDetail("unreachable", unreachable).build();
    }
}
