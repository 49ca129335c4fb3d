package io.nightshift.schedule;

import io.nightshift.NightshiftProperties;
import io.nightshift.job.Runs;
import io.nightshift.metrics.NightshiftMetrics;
import io.nightshift.model.ModelReferences;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;
import javax.sql.DataSource;
import org.quartz.Scheduler;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.quartz.autoconfigure.QuartzProperties;
import org.springframework.boot.quartz.autoconfigure.SchedulerFactoryBeanCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The wiring of a scheduler node, active only in {@code nightshift serve} (profile {@value #PROFILE}, which also
 * lets Boot's Quartz auto-configuration start: every other command runs without a scheduler).
 */
@Configuration(proxyBeanMethods = false)
@Profile(ScheduleConfiguration.PROFILE)
class ScheduleConfiguration {

    public static final String PROFILE = "serve";
    private static final String DELEGATE = "org.quartz.jobStore.driverDelegateClass";

    /**
     * Quartz's delegate from the database unless set: PostgreSQLDelegate on PostgreSQL (the standard one fails on its
     * BYTEA columns while the node looks healthy), StdJDBCDelegate otherwise.
     */
    @Bean
    SchedulerFactoryBeanCustomizer quartzDelegate(QuartzProperties quartz, DataSource dataSource) {
        return factory -> {
            Properties properties = new Properties();
            properties.putAll(quartz.getProperties());
            if (!properties.containsKey(DELEGATE)) {
                properties.put(DELEGATE, postgres(dataSource) ? "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate"
                        : "org.quartz.impl.jdbcjobstore.StdJDBCDelegate");
            }
            factory.setQuartzProperties(properties);
        };
    }

    private static boolean postgres(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection()) {
            return connection.getMetaData().getDatabaseProductName().toLowerCase(java.util.Locale.ROOT).contains("postgres");
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot open the job repository to set up the scheduler: " + e.getMessage(), e);
        }
    }

    /** Counts the fires Quartz finds late (its misfire handling then runs them once now, or skips them). */
    @Bean
    SchedulerFactoryBeanCustomizer misfireCounter(NightshiftMetrics metrics) {
        return factory -> factory.setGlobalTriggerListeners(new MisfireCounter(metrics));
    }

    @Bean
    JobRegistry jobRegistry(@Value("${nightshift.serve.jobs:jobs}") Path jobs, ModelReferences models) {
        return new JobRegistry(jobs, models);
    }

    @Bean
    Fires fires(JdbcTemplate jdbc) {
        return new Fires(jdbc);
    }

    @Bean
    RunPool runPool(NightshiftProperties properties, NightshiftMetrics metrics) {
        return new RunPool(properties.serve().maxConcurrentRuns(), metrics);
    }

    @Bean
    ScheduledFires scheduledFires(JobRegistry registry, Fires fires, Runs runs, RunPool pool, NightshiftProperties properties,
            NightshiftMetrics metrics) {
        return new ScheduledFires(registry, fires, runs, pool, properties.lease().timeout(), metrics);
    }

    @Bean
    SelfHealing selfHealing(Fires fires, Runs runs, JobRegistry registry, RunPool pool, NightshiftProperties properties,
            NightshiftMetrics metrics) {
        return new SelfHealing(fires, runs, registry, pool, properties.lease().timeout(), metrics);
    }

    /** The REST API's runs (trigger, relaunch) on this node's pool; waits at most 30 s for a triggered run to exist. */
    @Bean
    ManualRuns manualRuns(JobRegistry registry, Runs runs, RunPool pool) {
        return new ManualRuns(registry, runs, pool, java.time.Duration.ofSeconds(30));
    }

    @Bean
    Scheduling scheduling(JobRegistry registry, Scheduler scheduler, RunPool pool, SelfHealing healing, Runs runs,
            NightshiftProperties properties) {
        return new Scheduling(registry, new Schedules(scheduler), scheduler, pool, healing, runs,
                properties.serve().healInterval(), properties.serve().reloadInterval());
    }
}
