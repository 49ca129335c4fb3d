package io.nightshift.infra;

import static io.nightshift.infra.Tree.asMap;
import static io.nightshift.infra.Tree.list;
import static io.nightshift.infra.Tree.map;
import static io.nightshift.infra.Tree.maps;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * infra/terraform/, checked by parsing every .tf file (TerraformConfiguration): the properties a plan would show and a
 * review must not miss — spot GPU nodes with a hard cap, encryption, backups, bucket hygiene, least-privilege IAM, a
 * budget alert. It does not check that AWS would accept the plan (only `terraform validate/plan` can).
 */
class TerraformTests {

    private static final String BUCKETS = "${aws_s3_bucket.nightshift}";
    private static final Path PRICES = Path.of("config", "pricing", "aws-gpu.yaml");
    private static TerraformConfiguration terraform;

    private static final String UNAVAILABLE = TerraformConfiguration.unavailableReason();

    @BeforeAll
    static void convert() throws Exception {
        if (UNAVAILABLE == null) {
            terraform = TerraformConfiguration.read();
        }
    }

    /** Each test, not the class, is skipped, so that the report shows why. */
    @BeforeEach
    void requireTheConverter() {
        Assumptions.assumeTrue(UNAVAILABLE == null, () -> "Terraform checks skipped: " + UNAVAILABLE);
    }

    @Test
    void everyFileParses() {
        assertThat(terraform.files().keySet()).contains("versions.tf", "variables.tf", "outputs.tf", "eks.tf", "iam.tf", "storage.tf",
                "database.tf", "broker.tf", "budget.tf", "network.tf");
    }

    @Test
    void theGpuNodeGroupIsSpotOverSeveralGpuFamiliesTaintedAndScalesFromZeroToAVariableCap() {
        Map<String, Object> gpu = nodeGroup("gpu-workers");
        assertThat(gpu).containsEntry("capacity_type", "SPOT").containsEntry("min_size", 0).containsEntry("max_size", "${var.gpu_max_nodes}")
                .containsEntry("instance_types", "${var.gpu_instance_types}").containsEntry("ami_type", "AL2023_x86_64_NVIDIA");
        List<Object> types = list(variable("gpu_instance_types"), "default");
        assertThat(types).hasSizeGreaterThanOrEqualTo(3);
        assertThat(types.stream().map(type -> ((String) type).split("\\.")[0]).distinct()).contains("g4dn", "g5", "g6");
        assertThat(map(gpu, "taints").values()).anySatisfy(taint -> assertThat(asMap(taint, "taint"))
                .containsEntry("key", "nvidia.com/gpu").containsEntry("effect", "NO_SCHEDULE"));
        assertThat(map(gpu, "labels")).containsValue("gpu-worker");
    }

    @Test
    void everyDefaultGpuTypeHasAnOnDemandAndALowerSpotPrice() throws IOException {
        Map<String, Object> prices;
        try (Reader reader = Files.newBufferedReader(PRICES)) {
            prices = map(asMap(new Yaml().load(reader), PRICES.toString()), "instance-types");
        }
        for (Object type : list(variable("gpu_instance_types"), "default")) {
            Map<String, Object> price = map(prices, (String) type);
            double onDemand = ((Number) price.get("on-demand")).doubleValue();
            assertThat(((Number) price.get("typical-spot")).doubleValue()).as("%s in %s", type, PRICES).isPositive().isLessThan(onDemand);
            assertThat(price).as("%s", type).containsEntry("gpus", 1);
        }
    }

    @Test
    void serveRunsOnAnOnDemandNodeGroup() {
        assertThat(nodeGroup("serve")).containsEntry("capacity_type", "ON_DEMAND");
        assertThat(map(nodeGroup("serve"), "labels")).containsValue("serve");
    }

    @Test
    void theGpuCapIsValidatedWithAnUpperBound() {
        Map<String, Object> cap = variable("gpu_max_nodes");
        List<Map<String, Object>> validations = maps(cap, "validation");
        assertThat(validations).anySatisfy(validation -> assertThat((String) validation.get("condition")).contains("var.gpu_max_nodes <="));
        assertThat(validations).allSatisfy(validation -> assertThat((String) validation.get("error_message")).contains("gpu_max_nodes"));
        assertThat(((Number) cap.get("default")).intValue()).isBetween(1, 50);
    }

    @Test
    void everyVariableAndOutputHasADescription() {
        assertThat(terraform.blocks("variable")).hasSizeGreaterThan(10).allSatisfy((name, variable) ->
                assertThat((String) variable.get("description")).as("variable %s", name).isNotBlank());
        assertThat(terraform.blocks("output")).isNotEmpty().allSatisfy((name, output) ->
                assertThat((String) output.get("description")).as("output %s", name).isNotBlank());
    }

    @Test
    void theDatabaseIsEncryptedBackedUpPrivateAndKeepsItsPasswordOutOfTheState() {
        Map<String, Object> database = terraform.resources("aws_db_instance").get("nightshift");
        assertThat(database).containsEntry("engine", "postgres").containsEntry("storage_encrypted", true)
                .containsEntry("publicly_accessible", false).containsEntry("manage_master_user_password", true)
                .containsEntry("deletion_protection", true).doesNotContainKey("password");
        assertThat(database.get("backup_retention_period")).isEqualTo("${var.database_backup_retention_days}");
        assertThat(((Number) variable("database_backup_retention_days").get("default")).intValue()).isPositive();
        assertThat(maps(variable("database_backup_retention_days"), "validation"))
                .anySatisfy(validation -> assertThat((String) validation.get("condition")).contains("var.database_backup_retention_days >= 7"));
    }

    @Test
    void thereAreBucketsForInputsOutputsAndModels() {
        assertThat(terraform.resources("aws_s3_bucket")).containsOnlyKeys("nightshift");
        assertThat(terraform.resources("aws_s3_bucket").get("nightshift")).containsEntry("for_each", "${local.buckets}");
        assertThat(localValue("buckets")).containsOnlyKeys("inputs", "outputs", "models");
    }

    @Test
    void everyBucketIsVersionedEncryptedAndPrivate() {
        assertThat(perBucket("aws_s3_bucket_versioning")).satisfies(versioning ->
                assertThat(only(versioning, "versioning_configuration")).containsEntry("status", "Enabled"));
        assertThat(perBucket("aws_s3_bucket_server_side_encryption_configuration")).satisfies(encryption ->
                assertThat((String) only(only(encryption, "rule"), "apply_server_side_encryption_by_default").get("sse_algorithm"))
                        .isIn("aws:kms", "aws:kms:dsse", "AES256"));
        assertThat(perBucket("aws_s3_bucket_public_access_block")).containsEntry("block_public_acls", true)
                .containsEntry("block_public_policy", true).containsEntry("ignore_public_acls", true).containsEntry("restrict_public_buckets", true);
    }

    @Test
    void everyBucketAbortsIncompleteMultipartUploads() {
        List<Map<String, Object>> rules = maps(perBucket("aws_s3_bucket_lifecycle_configuration"), "rule");
        assertThat(rules).anySatisfy(rule -> {
            assertThat(rule).containsEntry("status", "Enabled");
            assertThat(((Number) only(rule, "abort_incomplete_multipart_upload").get("days_after_initiation")).intValue()).isBetween(1, 7);
        });
    }

    @Test
    void noIamStatementGrantsAWildcardActionOrResource() {
        List<Map<String, Object>> statements = new ArrayList<>();
        terraform.data("aws_iam_policy_document").values().forEach(document -> statements.addAll(maps(document, "statement")));
        assertThat(statements).hasSizeGreaterThan(5).allSatisfy(statement -> {
            assertThat(list(statement, "actions")).as("statement %s", statement.get("sid"))
                    .allSatisfy(action -> assertThat((String) action).doesNotContain("*"));
            if (statement.containsKey("principals")) {
                return; // a trust policy's statement: it names who may assume the role, not resources
            }
            Object resources = statement.getOrDefault("resources", List.of());
            List<Object> each = resources instanceof List<?> several ? List.copyOf(several) : List.of(resources);
            assertThat(each).as("statement %s", statement.get("sid")).isNotEmpty()
                    .allSatisfy(resource -> assertThat((String) resource).isNotEqualTo("*").doesNotEndWith(":::*"));
        });
        // Every policy is one of these documents: none is written inline where this check cannot see it.
        for (String type : List.of("aws_iam_role_policy", "aws_iam_policy")) {
            terraform.resources(type).forEach((name, policy) ->
                    assertThat((String) policy.get("policy")).as("%s.%s", type, name).startsWith("${data.aws_iam_policy_document."));
        }
    }

    @Test
    void workersReadInputsAndModelsAndWriteOnlyOutputParts() {
        List<Map<String, Object>> statements = maps(terraform.data("aws_iam_policy_document").get("worker"), "statement");
        Set<Object> actions = new HashSet<>();
        for (Map<String, Object> statement : statements) {
            actions.addAll(list(statement, "actions"));
            String resources = String.valueOf(statement.get("resources"));
            if (list(statement, "actions").contains("s3:PutObject")) {
                assertThat(resources).isEqualTo("[${local.object_arns.outputs}]");
            } else {
                assertThat(resources).doesNotContain("outputs");
            }
        }
        assertThat(actions).containsExactlyInAnyOrder("s3:ListBucket", "s3:GetObject", "s3:GetObjectVersion", "s3:PutObject", "s3:AbortMultipartUpload");
    }

    @Test
    void eachServiceAccountRoleTrustsOnlyItsOwnServiceAccount() {
        Map<String, Object> trust = only(terraform.data("aws_iam_policy_document").get("trust"), "statement");
        assertThat(list(trust, "actions")).containsExactly("sts:AssumeRoleWithWebIdentity");
        assertThat(maps(trust, "condition")).anySatisfy(condition -> assertThat(condition).containsEntry("test", "StringEquals")
                .containsEntry("values", List.of("system:serviceaccount:${var.kubernetes_namespace}:nightshift-${each.key}")));
    }

    @Test
    void theBrokerIsAPrivateRabbitMqCluster() {
        assertThat(terraform.resources("aws_mq_broker").get("rabbitmq")).containsEntry("engine_type", "RabbitMQ")
                .containsEntry("publicly_accessible", false).containsEntry("deployment_mode", "CLUSTER_MULTI_AZ");
    }

    @Test
    void aMonthlyBudgetAlertsSomeone() {
        Map<String, Object> budget = terraform.resources("aws_budgets_budget").get("monthly");
        assertThat(budget).containsEntry("budget_type", "COST").containsEntry("time_unit", "MONTHLY");
        assertThat(maps(budget, "notification")).isNotEmpty()
                .allSatisfy(notification -> assertThat(notification).containsEntry("subscriber_email_addresses", "${var.budget_alert_emails}"));
        assertThat(maps(variable("budget_alert_emails"), "validation")).isNotEmpty();
    }

    @Test
    void providersAndModulesArePinned() {
        Map<String, Object> settings = TerraformConfiguration.only(terraform.files().values().stream()
                .map(file -> asMap(file, "file").get("terraform")).filter(Objects::nonNull).findFirst().orElseThrow(), "terraform");
        assertThat((String) settings.get("required_version")).contains("<");
        assertThat(TerraformConfiguration.only(settings.get("required_providers"), "required_providers")).allSatisfy((name, provider) ->
                assertThat((String) asMap(provider, name).get("version")).as("provider %s", name).startsWith("~>"));
        assertThat(terraform.blocks("module")).containsKeys("vpc", "eks").allSatisfy((name, module) -> {
            assertThat((String) module.get("source")).as("module %s", name).startsWith("terraform-aws-modules/");
            assertThat((String) module.get("version")).as("module %s", name).startsWith("~>");
        });
    }

    private static Map<String, Object> nodeGroup(String name) {
        return map(terraform.blocks("module").get("eks"), "eks_managed_node_groups", name);
    }

    private static Map<String, Object> variable(String name) {
        Map<String, Object> variable = terraform.blocks("variable").get(name);
        assertThat(variable).as("variable %s", name).isNotNull();
        return variable;
    }

    private static Map<String, Object> localValue(String name) {
        for (Map<String, Object> file : terraform.fileContents()) {
            if (file.get("locals") != null) {
                for (Object locals : Tree.asList(file.get("locals"), "locals")) {
                    Object value = asMap(locals, "locals").get(name);
                    if (value != null) {
                        return asMap(value, "local." + name);
                    }
                }
            }
        }
        throw new AssertionError("no local value " + name);
    }

    /** The one resource of a type that applies to every bucket: for_each over the bucket resource itself. */
    private static Map<String, Object> perBucket(String type) {
        Map<String, Map<String, Object>> resources = terraform.resources(type);
        assertThat(resources).as(type).hasSize(1);
        Map<String, Object> resource = resources.values().iterator().next();
        assertThat(resource).as(type).containsEntry("for_each", BUCKETS).containsEntry("bucket", "${each.value.id}");
        return resource;
    }

    private static Map<String, Object> only(Map<String, Object> block, String key) {
        return TerraformConfiguration.only(block.get(key), key);
    }
}
