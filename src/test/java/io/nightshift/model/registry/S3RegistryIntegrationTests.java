package io.nightshift.model.registry;

import static io.nightshift.testing.InProcessCommand.nightshift;
import static org.assertj.core.api.Assertions.assertThat;

import io.nightshift.testing.InProcessCommand.Result;
import io.nightshift.testing.RegistryFixtures;
import io.nightshift.testing.S3TestServer;
import io.nightshift.testing.ScoringFixtures;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The registry store in S3 (an in-process S3-compatible server), as production has it: registration writes the
 * version's files under their sha256 there, scoring reads and verifies them, and an object changed behind the
 * registry's back is refused.
 */
class S3RegistryIntegrationTests {

    private static final String BUCKET = "nightshift-registry-it";

    @TempDir
    static Path workspace;
    static S3TestServer server;
    static Path input;
    static final Map<String, String> properties = new LinkedHashMap<>();

    @BeforeAll
    static void startServer() throws Exception {
        server = S3TestServer.start();
        server.createBucket(BUCKET);
        input = workspace.resolve("input");
        ScoringFixtures.data(input, 1, 3_000, 1_000, 0);
        properties.put("nightshift.s3.endpoint", server.endpoint());
        properties.put("nightshift.s3.path-style", "true");
        properties.put("nightshift.s3.region", "us-east-1");
        properties.put("aws.accessKeyId", server.accessKey());
        properties.put("aws.secretAccessKey", server.secretKey());
        properties.put("nightshift.home", workspace.resolve("home").toString());
        properties.put("nightshift.registry.location", "s3://" + BUCKET + "/registry");
        properties.forEach(System::setProperty);
    }

    @AfterAll
    static void stopServer() throws Exception {
        properties.keySet().forEach(System::clearProperty);
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aVersionIsStoredInS3UnderItsSha256ScoredFromThereAndRefusedOnceItsObjectChanged() throws Exception {
        // given
        Path model = RegistryFixtures.modelDirectory(workspace.resolve("model"), 31);

        // when: registered and scored
        Result register = nightshift("models", "register", model.toString(), "--name", "churn", "--by", "alice");
        List<String> keys = server.client().listObjectsV2(request -> request.bucket(BUCKET).prefix("registry/")).contents().stream()
                .map(S3Object::key).toList();
        Result scored = nightshift(score("scores"));

        // then
        assertThat(register.exitCode()).as(register.all()).isZero();
        assertThat(register.out()).startsWith("registered churn version 1" + System.lineSeparator());
        assertThat(keys).hasSize(2).allMatch(key -> key.matches("registry/churn/sha256/[0-9a-f]{64}/model\\.(onnx|yaml)"));
        assertThat(scored.exitCode()).as(scored.all()).isZero();
        assertThat(ScoringFixtures.read(workspace.resolve("scores"), "score").manifest().get("model").get("version").asString())
                .isEqualTo("1");

        // when: the stored model.yaml is overwritten in the bucket
        String specKey = keys.stream().filter(key -> key.endsWith("model.yaml")).findFirst().orElseThrow();
        server.client().putObject(request -> request.bucket(BUCKET).key(specKey), RequestBody.fromString("name: churn\nfeatures: [f00]\n"));
        Result refused = nightshift(score("scores-after-change"));

        // then
        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.message()).contains("Cannot load churn@1: model.yaml has sha256 ")
                .contains("The artifact changed after registration; re-register it.");
    }

    private static String[] score(String output) {
        return new String[] {"score", "--model", "churn@1", "--input", input.toString(), "--output", workspace.resolve(output).toString(),
                "--id-column", ScoringFixtures.ID, "--threads", "1"};
    }
}
