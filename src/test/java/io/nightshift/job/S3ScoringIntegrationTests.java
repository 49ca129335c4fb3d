package io.nightshift.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.nightshift.cli.Nightshift;
import io.nightshift.parquet.ColumnVector;
import io.nightshift.parquet.ColumnarParquetReader;
import io.nightshift.storage.LocalStorage;
import io.nightshift.testing.S3TestServer;
import io.nightshift.testing.ScoringFixtures;
import io.nightshift.testing.ScoringFixtures.CommittedOutput;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A whole scoring run against an in-process S3-compatible server, through the command line in this JVM: input,
 * output, rejects and (in one test) the model all live in S3, and the committed result is read back only through
 * its manifest, the way a consumer would.
 */
class S3ScoringIntegrationTests {

    private static final String BUCKET = "nightshift-it";
    private static final int FILES = 3;
    private static final long ROWS_PER_FILE = 4_000;
    private static final int BAD_ROWS_PER_FILE = 3;

    @TempDir
    static Path workspace;
    static S3TestServer server;
    static Path model;
    static List<Long> inputIds;

    @TempDir
    Path home;
    private final Map<String, String> properties = new LinkedHashMap<>();

    @BeforeAll
    static void startServerAndUploadInputsAndModel() throws Exception {
        server = S3TestServer.start();
        server.createBucket(BUCKET);
        List<Path> files = ScoringFixtures.data(workspace.resolve("input"), FILES, ROWS_PER_FILE, 1_000, BAD_ROWS_PER_FILE);
        for (Path file : files) {
            server.client().putObject(request -> request.bucket(BUCKET).key("input/" + file.getFileName()), RequestBody.fromFile(file));
        }
        model = ScoringFixtures.logisticModel(workspace.resolve("model"), ScoringFixtures.FEATURES);
        server.client().putObject(request -> request.bucket(BUCKET).key("models/churn.onnx"), RequestBody.fromFile(model));
        inputIds = ids(files);
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void pointTheApplicationAtTheServer() {
        properties.put("nightshift.s3.endpoint", server.endpoint());
        properties.put("nightshift.s3.path-style", "true");
        properties.put("nightshift.s3.region", "us-east-1");
        // The SDK's default credential chain reads these before the environment and profile files.
        properties.put("aws.accessKeyId", server.accessKey());
        properties.put("aws.secretAccessKey", server.secretKey());
        properties.put("nightshift.home", home.toString());
        properties.forEach(System::setProperty);
    }

    @AfterEach
    void clearProperties() {
        properties.keySet().forEach(System::clearProperty);
    }

    @Test
    void runReadingAndWritingS3CommitsEveryInputRowExactlyOnce() throws Exception {
        // given: Parquet input under s3://bucket/input/ and a local model
        String output = "scores-" + UUID.randomUUID();

        // when
        int exitCode = score(model.toString(), output);

        // then
        assertThat(exitCode).isZero();
        assertCommittedExactlyOnce(output);
    }

    @Test
    void runCanLoadItsModelFromS3() throws Exception {
        // given: the same input, and the model only at s3://bucket/models/churn.onnx
        String output = "scores-" + UUID.randomUUID();

        // when
        int exitCode = score("s3://" + BUCKET + "/models/churn.onnx", output);

        // then
        assertThat(exitCode).isZero();
        assertCommittedExactlyOnce(output);
    }

    private static int score(String modelLocation, String outputPrefix) {
        return Nightshift.execute("score", "--input", "s3://" + BUCKET + "/input/", "--output", "s3://" + BUCKET + "/" + outputPrefix + "/",
                "--model", modelLocation, "--id-column", ScoringFixtures.ID, "--feature-prefix", "f", "--commit-interval", "1000");
    }

    /** Downloads everything under the output prefix and reads it through its manifest. */
    private void assertCommittedExactlyOnce(String outputPrefix) throws IOException {
        Path downloaded = download(outputPrefix + "/", home.resolve("downloaded").resolve(outputPrefix));
        assertThat(downloaded.resolve("_SUCCESS")).exists();
        assertThat(downloaded.resolve("_manifest.json")).exists();
        CommittedOutput committed = ScoringFixtures.read(downloaded, "score");

        assertThat(committed.duplicates()).as("rows committed more than once").isZero();
        List<Long> committedIds = new ArrayList<>(committed.scores().keySet());
        committedIds.addAll(committed.rejects().keySet());
        assertThat(committedIds).as("every input row is scored or rejected exactly once")
                .containsExactlyInAnyOrderElementsOf(inputIds);
        assertThat(committed.rejects()).hasSize(FILES * BAD_ROWS_PER_FILE);
        long rowsRead = committed.manifest().get("rowsRead").asLong();
        assertThat(rowsRead).isEqualTo(FILES * ROWS_PER_FILE)
                .isEqualTo(committed.manifest().get("rowsScored").asLong() + committed.manifest().get("rowsRejected").asLong());
        assertThat(committed.files()).as("nothing but the manifest's parts and the commit markers under the output")
                .isEqualTo(ScoringFixtures.expectedFiles(committed.manifest()));
    }

    private static Path download(String prefix, Path directory) throws IOException {
        S3Client client = server.client();
        List<S3Object> objects = client.listObjectsV2Paginator(request -> request.bucket(BUCKET).prefix(prefix)).contents()
                .stream().toList();
        for (S3Object object : objects) {
            Path target = directory.resolve(object.key().substring(prefix.length()));
            Files.createDirectories(target.getParent());
            client.getObject(request -> request.bucket(BUCKET).key(object.key()), ResponseTransformer.toFile(target));
        }
        return directory;
    }

    private static List<Long> ids(List<Path> files) throws IOException {
        List<Long> ids = new ArrayList<>();
        for (Path file : files) {
            try (ColumnarParquetReader reader = ColumnarParquetReader.openAll(new LocalStorage(), file.toUri().toString(),
                    List.of(ScoringFixtures.ID))) {
                ColumnVector[] vectors = reader.newVectors(1024);
                int rows;
                while ((rows = reader.read(vectors, 1024)) > 0) {
                    for (int row = 0; row < rows; row++) {
                        ids.add(vectors[0].getLong(row));
                    }
                    vectors[0].clear();
                }
            }
        }
        return List.copyOf(ids);
    }
}
