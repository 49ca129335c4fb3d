package io.nightshift.infra;

import static io.nightshift.infra.Tree.list;
import static io.nightshift.infra.Tree.map;
import static io.nightshift.infra.Tree.maps;
import static org.assertj.core.api.Assertions.assertThat;

import io.nightshift.infra.KubernetesManifests.Manifest;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.convert.DurationStyle;
import org.yaml.snakeyaml.Yaml;

/** The Kubernetes manifests of infra/k8s/: structure, scheduling, probes, limits, shutdown and no secret values. */
class KubernetesManifestsTests {

    private static final KubernetesManifests MANIFESTS = KubernetesManifests.read();
    private static final String NAMESPACE = "nightshift";
    private static final int SERVE_PORT = 8080;

    @Test
    void everyObjectNamesItsKindAndNameAndLivesInTheNightshiftNamespace() {
        assertThat(MANIFESTS.objects()).hasSizeGreaterThan(8).allSatisfy(object -> {
            assertThat(object.content()).as(object.file()).containsKeys("apiVersion", "kind", "metadata");
            assertThat(object.name()).as(object.file()).isNotBlank();
            if (!object.kind().equals("Namespace")) {
                assertThat(map(object.content(), "metadata").get("namespace")).as("%s %s", object.kind(), object.name()).isEqualTo(NAMESPACE);
            }
        });
    }

    @Test
    void theKustomizationListsEveryManifestFile() throws IOException {
        Map<String, Object> kustomization = loadOne(KubernetesManifests.DIRECTORY.resolve("kustomization.yaml"));
        List<String> files = KubernetesManifests.yamlFiles().stream().map(file -> file.getFileName().toString())
                .filter(name -> !name.equals("kustomization.yaml")).toList();
        assertThat(list(kustomization, "resources")).containsExactlyInAnyOrderElementsOf(files);
    }

    @Test
    void serveRunsOnOnDemandNodes() {
        assertThat(nodeAffinity(deployment("nightshift-serve"))).containsEntry("eks.amazonaws.com/capacityType", List.of("ON_DEMAND"))
                .containsEntry("nightshift.io/node-role", List.of("serve"));
        assertThat(container("nightshift-serve").get("args")).isEqualTo(List.of("serve", "--jobs", "/etc/nightshift/jobs"));
    }

    @Test
    void workersRunOnSpotGpuNodesTolerateTheirTaintAndTakeOneGpu() {
        Manifest worker = deployment("nightshift-worker");
        assertThat(nodeAffinity(worker)).containsEntry("eks.amazonaws.com/capacityType", List.of("SPOT"))
                .containsEntry("nightshift.io/node-role", List.of("gpu-worker"));
        assertThat(maps(podSpec(worker), "tolerations")).anySatisfy(toleration -> assertThat(toleration)
                .containsEntry("key", "nvidia.com/gpu").containsEntry("effect", "NoSchedule"));
        assertThat(map(container("nightshift-worker"), "resources", "limits")).containsEntry("nvidia.com/gpu", 1);
        assertThat(container("nightshift-worker").get("args")).isEqualTo(List.of("worker", "--health-port=8080"));
        assertThat((String) container("nightshift-worker").get("image")).endsWith("-gpu");
    }

    @Test
    void everyContainerRequestsAndLimitsCpuAndMemory() {
        for (String name : deploymentNames()) {
            Map<String, Object> resources = map(container(name), "resources");
            assertThat(map(resources, "requests")).as(name).containsKeys("cpu", "memory");
            assertThat(map(resources, "limits")).as(name).containsKeys("cpu", "memory");
        }
    }

    @Test
    void theWorkersSizingSaysWhatItIsSizedFrom() throws IOException {
        assertThat(Files.readString(KubernetesManifests.DIRECTORY.resolve("worker.yaml"))).contains("Sized from docs/BENCHMARKS.md");
    }

    @Test
    void everyContainerIsProbedOnTheHealthEndpointsOfTheServePort() {
        for (String name : deploymentNames()) {
            Map<String, Object> container = container(name);
            assertThat(map(container, "livenessProbe", "httpGet")).as(name).containsEntry("path", "/health/live");
            assertThat(map(container, "readinessProbe", "httpGet")).as(name).containsEntry("path", "/health/ready");
            for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
                assertThat(containerPort(container, map(container, probe, "httpGet").get("port"))).as("%s %s", name, probe).isEqualTo(SERVE_PORT);
            }
        }
    }

    @Test
    void everyPodMayTakeLongerToStopThanTheAppsShutdownGracePlusItsPreStopPause() throws IOException {
        Duration shutdownGrace = applicationShutdownGrace();
        for (String name : deploymentNames()) {
            Map<String, Object> preStop = map(container(name), "lifecycle", "preStop");
            long preStopSeconds = ((Number) map(preStop, "sleep").get("seconds")).longValue();
            long grace = ((Number) podSpec(deployment(name)).get("terminationGracePeriodSeconds")).longValue();
            assertThat(grace).as("%s: terminationGracePeriodSeconds against shutdown-grace %s + preStop %d s", name, shutdownGrace, preStopSeconds)
                    .isGreaterThan(shutdownGrace.toSeconds() + preStopSeconds);
        }
    }

    @Test
    void everyPodRunsAsNonRootWithoutPrivilegeEscalation() {
        for (String name : deploymentNames()) {
            assertThat(map(podSpec(deployment(name)), "securityContext")).as(name).containsEntry("runAsNonRoot", true)
                    .containsEntry("runAsUser", 10001);
            assertThat(map(container(name), "securityContext")).as(name).containsEntry("allowPrivilegeEscalation", false);
        }
    }

    @Test
    void everyPodUsesAnIrsaServiceAccountThatExists() {
        for (String name : deploymentNames()) {
            String account = (String) podSpec(deployment(name)).get("serviceAccountName");
            Map<String, Object> annotations = map(MANIFESTS.get("ServiceAccount", account).content(), "metadata", "annotations");
            assertThat((String) annotations.get("eks.amazonaws.com/role-arn")).as(account).matches("arn:aws:iam::[A-Z_0-9]+:role/" + account);
        }
    }

    @Test
    void settingsComeFromTheConfigMapAndCredentialsFromTheExternalSecretsTarget() {
        String secretName = (String) map(MANIFESTS.get("ExternalSecret", "nightshift-credentials").content(), "spec", "target").get("name");
        for (String name : deploymentNames()) {
            List<Map<String, Object>> envFrom = maps(container(name), "envFrom");
            assertThat(envFrom).as(name).anySatisfy(source -> assertThat(map(source, "configMapRef")).containsEntry("name", "nightshift"));
            assertThat(envFrom).as(name).anySatisfy(source -> assertThat(map(source, "secretRef")).containsEntry("name", secretName));
            assertThat(container(name)).as(name).doesNotContainKey("env");
        }
    }

    @Test
    void noSecretValueIsInTheRepository() {
        assertThat(MANIFESTS.ofKind("Secret")).as("a Secret with values belongs in AWS Secrets Manager, not in git").isEmpty();
        Map<String, Object> settings = map(MANIFESTS.get("ConfigMap", "nightshift").content(), "data");
        assertThat(settings.keySet()).allSatisfy(key -> assertThat(key.toUpperCase(Locale.ROOT)).doesNotContain("PASSWORD", "SECRET", "TOKEN", "USERNAME"));
        assertThat(settings).containsEntry("SPRING_PROFILES_ACTIVE", "prod");
    }

    @Test
    void theServiceSendsTrafficToServesPort() {
        Map<String, Object> spec = map(MANIFESTS.get("Service", "nightshift-serve").content(), "spec");
        assertThat(map(spec, "selector")).isEqualTo(podLabels(deployment("nightshift-serve")));
        assertThat(containerPort(container("nightshift-serve"), maps(spec, "ports").getFirst().get("targetPort"))).isEqualTo(SERVE_PORT);
    }

    @Test
    void everyDeploymentHasADisruptionBudgetSelectingItsPods() {
        List<Manifest> budgets = MANIFESTS.ofKind("PodDisruptionBudget");
        for (String name : deploymentNames()) {
            Map<String, Object> labels = podLabels(deployment(name));
            assertThat(budgets).as(name).anySatisfy(budget -> assertThat(map(budget.content(), "spec", "selector", "matchLabels")).isEqualTo(labels));
        }
    }

    private static List<String> deploymentNames() {
        List<String> names = MANIFESTS.ofKind("Deployment").stream().map(Manifest::name).toList();
        assertThat(names).containsExactlyInAnyOrder("nightshift-serve", "nightshift-worker");
        return names;
    }

    private static Manifest deployment(String name) {
        return MANIFESTS.get("Deployment", name);
    }

    private static Map<String, Object> podSpec(Manifest deployment) {
        return map(deployment.content(), "spec", "template", "spec");
    }

    private static Map<String, Object> podLabels(Manifest deployment) {
        Map<String, Object> labels = map(deployment.content(), "spec", "template", "metadata", "labels");
        assertThat(map(deployment.content(), "spec", "selector", "matchLabels")).as(deployment.name()).isEqualTo(labels);
        return labels;
    }

    private static Map<String, Object> container(String deployment) {
        List<Map<String, Object>> containers = maps(podSpec(deployment(deployment)), "containers");
        assertThat(containers).as(deployment).hasSize(1);
        return containers.getFirst();
    }

    /** The required node affinity as label → values, from its single selector term. */
    private static Map<String, Object> nodeAffinity(Manifest deployment) {
        Map<String, Object> required = map(podSpec(deployment), "affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution");
        List<Map<String, Object>> terms = maps(required, "nodeSelectorTerms");
        assertThat(terms).as(deployment.name()).hasSize(1);
        Map<String, Object> byKey = new LinkedHashMap<>();
        for (Map<String, Object> expression : maps(terms.getFirst(), "matchExpressions")) {
            assertThat(expression).containsEntry("operator", "In");
            byKey.put((String) expression.get("key"), expression.get("values"));
        }
        return byKey;
    }

    /** A probe's or Service's port, named or numbered, as the container port number. */
    private static int containerPort(Map<String, Object> container, Object port) {
        if (port instanceof Number number) {
            return number.intValue();
        }
        return maps(container, "ports").stream().filter(candidate -> port.equals(candidate.get("name")))
                .map(candidate -> ((Number) candidate.get("containerPort")).intValue()).findFirst()
                .orElseThrow(() -> new AssertionError("no container port named " + port));
    }

    private static Duration applicationShutdownGrace() throws IOException {
        Map<String, Object> application = loadOne(Path.of("config", "application.yaml"));
        return DurationStyle.detectAndParse(String.valueOf(map(application, "nightshift", "serve").get("shutdown-grace")));
    }

    private static Map<String, Object> loadOne(Path file) throws IOException {
        try (Reader reader = Files.newBufferedReader(file)) {
            return Tree.asMap(new Yaml().load(reader), file.toString());
        }
    }
}
