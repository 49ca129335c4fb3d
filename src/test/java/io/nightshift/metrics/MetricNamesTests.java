package io.nightshift.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The alert rules and the Grafana dashboard use only metric names the application registers: a rule or panel on a
 * misspelt or renamed metric is silent forever. The registered names are a Prometheus scrape after every
 * {@link MicrometerMetrics} event once, plus the binders {@code nightshift serve} gets from Boot (JVM memory, uptime,
 * the Hikari pool); {@code ReadinessIntegrationTests} checks those in a real serve's /metrics too.
 */
class MetricNamesTests {

    /**
     * Metric names as PromQL writes them: Nightshift's and the binders' families (not recording rules, which have ':';
     * not {@code up}, which Prometheus makes itself).
     */
    private static final Pattern METRIC = Pattern.compile("(?<![\\w:])((?:nightshift|jvm|process|hikaricp|executor)_[a-z_]+)");

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final ExecutorService pool = Executors.newSingleThreadExecutor();
    private HikariDataSource dataSource;

    @BeforeEach
    void registerEveryMeter() throws Exception {
        MicrometerMetrics metrics = new MicrometerMetrics(registry);
        metrics.runStarted("churn", 1, () -> 10);
        metrics.chunkCommitted(1, "churn", 90, 10, Duration.ofMillis(5));
        metrics.runEnded("churn", 1, "COMPLETED", Duration.ofSeconds(1));
        metrics.leaseTakenOver();
        for (NightshiftMetrics.FireKind kind : NightshiftMetrics.FireKind.values()) {
            metrics.fire("churn", kind);
        }
        metrics.gateDecision("churn", "REJECTED");
        metrics.modelLoaded("churn", Duration.ofMillis(20));
        metrics.runsLeftForOperator(() -> 0);
        metrics.executor("runs", pool);
        metrics.readiness(() -> 1);
        new JvmMemoryMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl("jdbc:h2:mem:metric-names");
        config.setMetricRegistry(registry);
        dataSource = new HikariDataSource(config);
        try (Connection connection = dataSource.getConnection()) {
            assertThat(connection.isValid(1)).isTrue();
        }
    }

    @AfterEach
    void close() {
        dataSource.close();
        pool.shutdownNow();
    }

    @Test
    void theAlertRulesUseOnlyRegisteredMetrics() throws IOException {
        Set<String> used = metricNames(Files.readString(Path.of("config/prometheus/alerts.yaml")));

        assertThat(used).contains("nightshift_run_duration_seconds_count", "nightshift_ready");
        assertThat(used).isSubsetOf(registered());
    }

    @Test
    void theDashboardUsesOnlyRegisteredMetrics() throws IOException {
        JsonNode dashboard = JsonMapper.builder().build().readTree(Path.of("config/grafana/nightshift.json").toFile());
        List<String> expressions = dashboard.findValues("expr").stream().map(JsonNode::asString).toList();
        Set<String> used = metricNames(String.join("\n", expressions) + "\n" + dashboard.findValues("definition"));

        assertThat(dashboard.path("panels").size()).isGreaterThanOrEqualTo(7);
        assertThat(expressions).allSatisfy(expression -> assertThat(expression).isNotBlank());
        assertThat(used).contains("nightshift_rows_rejected_total", "nightshift_checkpoint_commit_seconds_sum",
                "nightshift_lease_takeovers_total", "nightshift_schedule_skips_total");
        assertThat(used).isSubsetOf(registered());
    }

    private Set<String> registered() {
        return registry.scrape().lines().filter(line -> !line.startsWith("#") && !line.isBlank())
                .map(line -> line.split("[{ ]", 2)[0]).collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<String> metricNames(String text) {
        Set<String> names = new TreeSet<>();
        Matcher matcher = METRIC.matcher(text);
        while (matcher.find()) {
            names.add(matcher.group(1));
        }
        return names;
    }
}
