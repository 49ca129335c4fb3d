package io.nightshift;

import static org.assertj.core.api.Assertions.assertThat;

import io.nightshift.gate.GateInputs;
import io.nightshift.gate.GateProperties;
import io.nightshift.model.registry.RegistryProperties;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.PropertySourcesPlaceholdersResolver;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.util.unit.DataSize;
import org.yaml.snakeyaml.Yaml;

/**
 * {@link NightshiftProperties} as Spring Boot binds it: every property maps from its documented key, every default
 * is the documented one, and {@code config/application.yaml} documents exactly the properties that exist.
 */
class NightshiftPropertiesTests {

    private static final Path APPLICATION_YAML = Path.of("config", "application.yaml");

    @Test
    void everyPropertyBindsFromItsKey() {
        // given
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("nightshift.home", "/srv/nightshift");
        settings.put("nightshift.progress-interval", "30s");
        settings.put("nightshift.lease.heartbeat", "3s");
        settings.put("nightshift.lease.timeout", "2m");
        settings.put("nightshift.s3.region", "eu-central-1");
        settings.put("nightshift.s3.endpoint", "http://127.0.0.1:9000");
        settings.put("nightshift.s3.path-style", "true");
        settings.put("nightshift.s3.max-attempts", "4");
        settings.put("nightshift.s3.multipart-threshold", "128MB");
        settings.put("nightshift.s3.part-size", "32MB");
        settings.put("nightshift.s3.upload-attempts", "5");
        settings.put("nightshift.output.row-group-size", "16MB");
        settings.put("nightshift.output.page-size", "256KB");
        settings.put("nightshift.output.codec", "zstd");
        settings.put("nightshift.database.wait-timeout", "90s");
        settings.put("nightshift.database.server-idle-timeout", "2m");
        settings.put("nightshift.serve.max-concurrent-runs", "4");
        settings.put("nightshift.serve.shutdown-grace", "2m");
        settings.put("nightshift.serve.heal-interval", "30s");
        settings.put("nightshift.serve.reload-interval", "10s");
        settings.put("nightshift.spot.enabled", "true");
        settings.put("nightshift.spot.endpoint", "http://127.0.0.1:1338");
        settings.put("nightshift.spot.interval", "200ms");
        settings.put("nightshift.lineage.transport", "http");
        settings.put("nightshift.lineage.namespace", "batch");
        settings.put("nightshift.lineage.file", "/var/log/lineage.jsonl");
        settings.put("nightshift.lineage.url", "http://marquez:5000");
        settings.put("nightshift.lineage.api-key-env", "MARQUEZ_API_KEY");
        settings.put("nightshift.lineage.timeout", "2s");
        settings.put("nightshift.remote.queue", "scoring.partitions");
        settings.put("nightshift.remote.poll-interval", "500ms");
        settings.put("nightshift.remote.timeout", "6h");
        settings.put("nightshift.remote.broker-timeout", "2m");
        settings.put("nightshift.budget.check-interval", "1s");

        // when
        NightshiftProperties properties = bind(settings);

        // then
        assertThat(properties).isEqualTo(new NightshiftProperties(
                Path.of("/srv/nightshift"),
                Duration.ofSeconds(30),
                new NightshiftProperties.Lease(Duration.ofSeconds(3), Duration.ofMinutes(2)),
                new NightshiftProperties.S3("eu-central-1", "http://127.0.0.1:9000", true, 4, DataSize.ofMegabytes(128),
                        DataSize.ofMegabytes(32), 5),
                new NightshiftProperties.Output(DataSize.ofMegabytes(16), DataSize.ofKilobytes(256), "zstd"),
                new NightshiftProperties.Database(Duration.ofSeconds(90), Duration.ofMinutes(2)),
                new NightshiftProperties.Serve(4, Duration.ofMinutes(2), Duration.ofSeconds(30), Duration.ofSeconds(10)),
                new NightshiftProperties.Spot(NightshiftProperties.Spot.Enabled.TRUE, URI.create("http://127.0.0.1:1338"),
                        Duration.ofMillis(200)),
                new NightshiftProperties.Lineage(NightshiftProperties.Lineage.Transport.HTTP, "batch",
                        Path.of("/var/log/lineage.jsonl"), URI.create("http://marquez:5000"), "MARQUEZ_API_KEY",
                        Duration.ofSeconds(2)),
                new NightshiftProperties.Remote("scoring.partitions", Duration.ofMillis(500), Duration.ofHours(6),
                        Duration.ofMinutes(2)),
                new NightshiftProperties.BudgetChecks(Duration.ofSeconds(1))));
        assertThat(leafProperties(NightshiftProperties.class, "")).as("properties this test sets")
                .isEqualTo(new TreeSet<>(settings.keySet().stream().map(key -> key.substring("nightshift.".length())).toList()));
    }

    @Test
    void everyPropertyHasItsDocumentedDefault() {
        // when
        NightshiftProperties properties = bind(Map.of());

        // then
        assertThat(properties).isEqualTo(new NightshiftProperties(
                // one home per user, whatever the working directory
                Path.of(System.getProperty("user.home"), ".nightshift"),
                Duration.ofSeconds(5),
                new NightshiftProperties.Lease(Duration.ofSeconds(10), Duration.ofSeconds(60)),
                new NightshiftProperties.S3("us-east-1", null, false, 10, DataSize.ofMegabytes(64), DataSize.ofMegabytes(16), 3),
                new NightshiftProperties.Output(DataSize.ofMegabytes(64), DataSize.ofMegabytes(1), "snappy"),
                new NightshiftProperties.Database(Duration.ofSeconds(60), Duration.ofSeconds(30)),
                new NightshiftProperties.Serve(2, Duration.ofSeconds(90), Duration.ofSeconds(15), Duration.ofSeconds(5)),
                new NightshiftProperties.Spot(NightshiftProperties.Spot.Enabled.AUTO, URI.create("http://169.254.169.254"),
                        Duration.ofSeconds(5)),
                new NightshiftProperties.Lineage(NightshiftProperties.Lineage.Transport.NONE, "nightshift", null, null, null,
                        Duration.ofSeconds(5)),
                new NightshiftProperties.Remote("nightshift.partitions", Duration.ofSeconds(2), Duration.ofHours(24),
                        Duration.ofSeconds(60)),
                new NightshiftProperties.BudgetChecks(Duration.ofSeconds(5))));
    }

    @Test
    void testsRunWithAHomeOfTheirOwn() {
        // The build gives every test JVM (and so every process a test starts) NIGHTSHIFT_HOME under target/ (pom.xml):
        // a test that relies on the default home never writes into the machine's real ~/.nightshift.
        assertThat(System.getenv("NIGHTSHIFT_HOME")).as("NIGHTSHIFT_HOME of the test JVM").isNotBlank()
                .doesNotStartWith(NightshiftProperties.defaultHome().toString()).contains("target");
    }

    @Test
    void applicationYamlDocumentsEveryPropertyAndNoOther() throws IOException {
        // given
        Map<String, Object> documented = nightshiftSection();

        // when
        TreeSet<String> documentedKeys = new TreeSet<>(flatten(documented, "").keySet());

        // then: the core's settings, and each feature's own record under its prefix
        TreeSet<String> properties = leafProperties(NightshiftProperties.class, "");
        properties.addAll(leafProperties(RegistryProperties.class, "registry."));
        properties.addAll(leafProperties(GateProperties.class, "gate."));
        assertThat(documentedKeys).isEqualTo(properties);
    }

    @Test
    void theRegistryLocationBindsFromItsKeyAndIsUnsetByDefault() throws IOException {
        // given
        Map<String, String> documented = new LinkedHashMap<>();
        flatten(nightshiftSection(), "").forEach((key, value) -> documented.put("nightshift." + key, value));

        // when
        RegistryProperties set = bindRegistry(Map.of("nightshift.registry.location", "s3://models/registry"));
        RegistryProperties byDefault = bindRegistry(Map.of());
        RegistryProperties asDocumented = bindRegistry(documented);

        // then: unset (and the documented empty value) means <home>/registry
        assertThat(set.location()).isEqualTo("s3://models/registry");
        assertThat(byDefault.location()).isNull();
        assertThat(asDocumented).isEqualTo(byDefault);
    }

    @Test
    void theGateSettingsBindFromTheirKeysAndTheDocumentedValuesAreTheDefaults() throws IOException {
        // given
        Map<String, String> documented = new LinkedHashMap<>();
        flatten(nightshiftSection(), "").forEach((key, value) -> documented.put("nightshift." + key, value));

        // when
        GateProperties set = bindGate(Map.of("nightshift.gate.policies", "/etc/nightshift/policies", "nightshift.gate.bootstrap-seed", "7",
                "nightshift.gate.bootstrap-resamples", "2000"));
        GateProperties byDefault = bindGate(Map.of());
        GateProperties asDocumented = bindGate(documented);

        // then
        assertThat(set).isEqualTo(new GateProperties(Path.of("/etc/nightshift/policies"), 7, 2000));
        assertThat(byDefault).isEqualTo(new GateProperties(Path.of("retrain-gate"), GateInputs.DEFAULT_SEED, 1000));
        assertThat(asDocumented).isEqualTo(byDefault);
    }

    private static GateProperties bindGate(Map<String, String> settings) {
        return new Binder(List.of(new MapConfigurationPropertySource(settings)), new PropertySourcesPlaceholdersResolver(new StandardEnvironment()))
                .bindOrCreate("nightshift.gate", GateProperties.class);
    }

    private static RegistryProperties bindRegistry(Map<String, String> settings) {
        return new Binder(List.of(new MapConfigurationPropertySource(settings)), new PropertySourcesPlaceholdersResolver(new StandardEnvironment()))
                .bindOrCreate("nightshift.registry", RegistryProperties.class);
    }

    @Test
    void applicationYamlShowsTheDefaults() throws IOException {
        // given
        Map<String, String> settings = new LinkedHashMap<>();
        flatten(nightshiftSection(), "").forEach((key, value) -> settings.put("nightshift." + key, value));

        // when
        NightshiftProperties documented = bind(settings);

        // then an empty endpoint is how the file shows "none"; the application treats blank as null. The home is
        // written ${user.home}/.nightshift, which Spring resolves as the application starts (as bind does here).
        assertThat(documented).usingRecursiveComparison().ignoringFields("s3.endpoint").isEqualTo(bind(Map.of()));
        assertThat(documented.s3().endpoint()).isNullOrEmpty();
    }

    /** Binds as Spring Boot does at start-up, placeholders such as {@code ${user.home}} resolved from system properties. */
    private static NightshiftProperties bind(Map<String, String> settings) {
        return new Binder(List.of(new MapConfigurationPropertySource(settings)), new PropertySourcesPlaceholdersResolver(new StandardEnvironment()))
                .bindOrCreate("nightshift", NightshiftProperties.class);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> nightshiftSection() throws IOException {
        Map<String, Object> root = new Yaml().load(Files.readString(APPLICATION_YAML));
        return (Map<String, Object>) root.get("nightshift");
    }

    /** Leaf keys of a YAML mapping in dotted form, values as text (an empty value as ""), as Spring Boot sees them. */
    private static Map<String, String> flatten(Map<String, Object> map, String prefix) {
        Map<String, String> flat = new LinkedHashMap<>();
        map.forEach((key, value) -> {
            if (value instanceof Map<?, ?> nested) {
                @SuppressWarnings("unchecked")
                Map<String, Object> child = (Map<String, Object>) nested;
                flat.putAll(flatten(child, prefix + key + "."));
            } else {
                flat.put(prefix + key, value == null ? "" : value.toString());
            }
        });
        return flat;
    }

    /** Property names of a configuration record in kebab case; nested records of the same class are groups. */
    private static TreeSet<String> leafProperties(Class<?> type, String prefix) {
        TreeSet<String> names = new TreeSet<>();
        for (RecordComponent component : type.getRecordComponents()) {
            String name = prefix + component.getName().replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
            if (component.getType().isRecord() && component.getType().getEnclosingClass() == NightshiftProperties.class) {
                names.addAll(leafProperties(component.getType(), name + "."));
            } else {
                names.add(name);
            }
        }
        return names;
    }
}
