package io.nightshift.storage;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.nightshift.testing.S3TestServer;

class RoutingStorageTests {

    @TempDir
    Path root;

    @ParameterizedTest
    @ValueSource(strings = {"gs://bucket/in/", "hdfs://namenode/in/", "s3a://bucket/in/"})
    void rejectsLocationsWithAnUnsupportedScheme(String location) {
        try (RoutingStorage storage = new RoutingStorage(new LocalStorage(), failingS3())) {
            assertThatThrownBy(() -> storage.list(location))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("Unsupported storage location " + location
                            + ": use a local path, file:// or s3://");
        }
    }

    @Test
    void localPathsAndFileUrisNeverBuildAnS3Client() throws IOException {
        Path file = Files.writeString(root.resolve("part-0.parquet"), "abc");
        try (RoutingStorage storage = new RoutingStorage(new LocalStorage(), failingS3())) {
            assertThat(storage.list(file.toString())).hasSize(1);
            assertThat(storage.readAll(file.toUri().toString())).asString(UTF_8).isEqualTo("abc");
            assertThat(storage.normalize("relative/path")).startsWith("file:/");
        }
    }

    @Test
    void s3LocationsGoToOneLazilyBuiltS3Storage() throws Exception {
        AtomicInteger built = new AtomicInteger();
        try (S3TestServer server = S3TestServer.start()) {
            server.createBucket("routed");
            try (RoutingStorage storage = new RoutingStorage(new LocalStorage(), () -> {
                built.incrementAndGet();
                return server.storage();
            })) {
                assertThat(built).hasValue(0);

                storage.createIfAbsent("s3://routed/a.json", "{}".getBytes(UTF_8));
                assertThat(storage.readAll("s3://routed/a.json")).asString(UTF_8).isEqualTo("{}");

                assertThat(built).hasValue(1);
            }
        }
    }

    private static Supplier<S3Storage> failingS3() {
        return () -> {
            throw new AssertionError("an S3 client was built for a non-S3 location");
        };
    }
}
