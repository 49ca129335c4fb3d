package io.nightshift;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Settings under {@code nightshift.*}; every one is documented in {@code config/application.yaml} and bound by
 * {@code NightshiftPropertiesTests}.
 *
 * @param home             where this user's state lives (embedded H2 database, model cache, run logs), whatever the
 *                         working directory: {@code ~/.nightshift} unless set ({@code NIGHTSHIFT_HOME})
 * @param progressInterval how often a run logs its progress when not on a terminal
 * @param lease            liveness of the process executing a run
 * @param s3               the S3 client
 * @param output           Parquet output files
 * @param database         the embedded job repository (when {@code spring.datasource.url} is not set)
 * @param serve            {@code nightshift serve}: the scheduler node's run pool, self-healing and shutdown
 * @param spot             the EC2 spot interruption watcher of every command that executes runs
 * @param lineage          OpenLineage run events (off unless a transport is set)
 * @param remote           remote partitioning ({@code partitions.mode: remote}): the queue, and how the manager waits
 * @param budget           how often a capped run's budget guard checks it
 */
@ConfigurationProperties("nightshift")
public record NightshiftProperties(
        Path home,
        @DefaultValue("5s") Duration progressInterval,
        @DefaultValue Lease lease,
        @DefaultValue S3 s3,
        @DefaultValue Output output,
        @DefaultValue Database database,
        @DefaultValue Serve serve,
        @DefaultValue Spot spot,
        @DefaultValue Lineage lineage,
        @DefaultValue Remote remote,
        @DefaultValue BudgetChecks budget) {

    public NightshiftProperties {
        home = home == null ? defaultHome() : home;
    }

    /**
     * {@code ~/.nightshift}: one home per user, so {@code status} and {@code relaunch} see the same runs from any
     * directory. (XDG_STATE_HOME is not consulted: one answer to "where is my state" beats two.) The packaged
     * {@code application.yaml} says the same with {@code ${user.home}/.nightshift}.
     */
    public static Path defaultHome() {
        return Path.of(System.getProperty("user.home"), ".nightshift");
    }

    /**
     * A run with a {@code budget:} cap is checked every {@code checkInterval}; the guard keeps two intervals of spend
     * in hand, so it stops a run before the spend by its next check, and the chunk a stop lets finish, would pass a cap.
     */
    public record BudgetChecks(@DefaultValue("5s") Duration checkInterval) {
    }

    /** A run's owner renews its heartbeat every {@code heartbeat}; past {@code timeout} it counts as dead. */
    public record Lease(@DefaultValue("10s") Duration heartbeat, @DefaultValue("60s") Duration timeout) {
    }

    /**
     * S3 client: region, optional endpoint (S3-compatible stores), path-style addressing, retries per request,
     * multipart sizes, attempts per whole upload.
     */
    public record S3(
            @DefaultValue("us-east-1") String region,
            String endpoint,
            @DefaultValue("false") boolean pathStyle,
            @DefaultValue("10") int maxAttempts,
            @DefaultValue("64MB") DataSize multipartThreshold,
            @DefaultValue("16MB") DataSize partSize,
            @DefaultValue("3") int uploadAttempts) {
    }

    /** Parquet output: row group and page sizes, compression codec (snappy, zstd, gzip, uncompressed). */
    public record Output(
            @DefaultValue("64MB") DataSize rowGroupSize,
            @DefaultValue("1MB") DataSize pageSize,
            @DefaultValue("snappy") String codec) {
    }

    /**
     * The embedded H2 database's local server: how long a command waits for it (its start, or another command
     * connecting or migrating) and how long the server lingers without sessions before it exits.
     */
    public record Database(
            @DefaultValue("60s") Duration waitTimeout,
            @DefaultValue("30s") Duration serverIdleTimeout) {
    }

    /**
     * {@code nightshift serve}: how many runs it executes at once (fires beyond that wait in line), how long SIGTERM
     * waits for running chunks before the process exits anyway, how often it looks for runs to heal (owner lost,
     * stopped, failed with attempts left) and for changed job specs.
     */
    public record Serve(
            @DefaultValue("2") int maxConcurrentRuns,
            @DefaultValue("90s") Duration shutdownGrace,
            @DefaultValue("15s") Duration healInterval,
            @DefaultValue("5s") Duration reloadInterval) {

        public Serve {
            if (maxConcurrentRuns < 1) {
                throw new IllegalArgumentException("nightshift.serve.max-concurrent-runs must be at least 1, was "
                        + maxConcurrentRuns);
            }
        }
    }

    /**
     * The EC2 spot interruption watcher: the instance metadata service's address, how often it is polled, and whether
     * to watch ({@code auto}: when a probe of the service at start answers, i.e. on EC2).
     */
    public record Spot(
            @DefaultValue("auto") Enabled enabled,
            @DefaultValue("http://169.254.169.254") URI endpoint,
            @DefaultValue("5s") Duration interval) {

        /** {@code auto}, {@code true} or {@code false}. */
        public enum Enabled { AUTO, TRUE, FALSE }

        public Spot {
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("nightshift.spot.interval must be positive, was " + interval);
            }
        }
    }

    /**
     * OpenLineage run events (START, COMPLETE, FAIL, ABORT) of every run, to a file (one JSON event a line) or an
     * HTTP endpoint such as Marquez; {@code none} creates no client at all. {@code apiKeyEnv} names the environment
     * variable that holds the endpoint's API key, so that the key is in no file.
     */
    public record Lineage(
            @DefaultValue("none") Transport transport,
            @DefaultValue("nightshift") String namespace,
            Path file,
            URI url,
            String apiKeyEnv,
            @DefaultValue("5s") Duration timeout) {

        /** {@code none}, {@code file} or {@code http}. */
        public enum Transport { NONE, FILE, HTTP }

        public Lineage {
            apiKeyEnv = apiKeyEnv == null || apiKeyEnv.isBlank() ? null : apiKeyEnv;
            if (transport == Transport.FILE && file == null) {
                throw new IllegalArgumentException("nightshift.lineage.transport is file but nightshift.lineage.file is not set");
            }
            if (transport == Transport.HTTP && url == null) {
                throw new IllegalArgumentException("nightshift.lineage.transport is http but nightshift.lineage.url is not set");
            }
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("nightshift.lineage.timeout must be positive, was " + timeout);
            }
        }
    }

    /**
     * Remote partitioning; the broker itself is Spring Boot's {@code spring.rabbitmq.*}.
     *
     * @param queue         the queue partition requests go to (declared durable by the manager and the workers)
     * @param pollInterval  how often the manager reads the job repository for its partitions' state
     * @param timeout       the most a manager waits for all partitions of one execution; past it the run fails
     *                      (relaunchable: finished partitions are kept)
     * @param brokerTimeout the manager fails the run when the broker stays unreachable this long while it waits
     */
    public record Remote(
            @DefaultValue("nightshift.partitions") String queue,
            @DefaultValue("2s") Duration pollInterval,
            @DefaultValue("24h") Duration timeout,
            @DefaultValue("60s") Duration brokerTimeout) {
    }
}
