package io.nightshift.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nightshift.model.onnx.OnnxModelWriter;
import io.nightshift.storage.LocalStorage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which {@code --model} values go to the registry: {@code NAME@VERSION} or {@code NAME@ALIAS} that is not an existing
 * path. A hand-written {@link ModelReferences} records what it was asked.
 */
class ModelResolverTests {

    @TempDir
    Path directory;

    private final List<String> asked = new ArrayList<>();

    @Test
    void aReferenceThatIsNoPathGoesToTheRegistry() {
        // given
        ModelResolver resolver = resolver(new RecordingReferences());

        // when
        assertThatThrownBy(() -> resolver.resolve("churn@production")).isInstanceOf(ModelException.class);

        // then
        assertThat(asked).containsExactly("churn@production");
    }

    @Test
    void anExistingModelDirectoryWhoseNameHasTheFormOfAReferenceIsStillAPath() throws IOException {
        // given: a model directory named like a reference in the working directory (the only place a value without a
        // slash can name), removed afterwards
        String name = "resolver-test-" + System.nanoTime() + "@3";
        Path model = Path.of(name);
        ModelResolver resolver = resolver(new RecordingReferences());
        try {
            write(model);

            // when
            ModelArtifact artifact = resolver.resolve(name);

            // then
            assertThat(asked).isEmpty();
            assertThat(artifact.name()).isEqualTo(name);
        } finally {
            Files.deleteIfExists(model.resolve("model.onnx"));
            Files.deleteIfExists(model);
        }
    }

    @Test
    void aPathWithSlashesIsNeverAReference() {
        // given
        ModelResolver resolver = resolver(new RecordingReferences());

        // when / then
        assertThatThrownBy(() -> resolver.resolve(directory.resolve("models/churn@3").toString()))
                .isInstanceOf(ModelException.class).hasMessageContaining("no such file");
        assertThat(asked).isEmpty();
    }

    @Test
    void withoutARegistryAReferenceIsRefusedSayingSo() {
        // given
        ModelResolver resolver = new ModelResolver(new LocalStorage(), directory.resolve("cache"));

        // when / then
        assertThatThrownBy(() -> resolver.resolve("churn@3")).isInstanceOf(ModelException.class)
                .hasMessageContaining("there is no model registry");
    }

    @Test
    void aPinnedReferenceIsResolvedThroughTheRegistryAndCheckedAgainstTheRunsSha256() throws IOException {
        // given: the registry answers churn@3 with a real model
        Path model = directory.resolve("registered");
        write(model);
        ModelArtifact registered = new ModelResolver(new LocalStorage(), directory.resolve("cache")).resolve(model.toString());
        ModelResolver resolver = resolver(reference -> {
            asked.add(reference);
            return registered;
        });

        // when
        ModelArtifact pinned = resolver.resolvePinned("churn@3", registered.sha256());

        // then
        assertThat(asked).containsExactly("churn@3");
        assertThat(pinned.sha256()).isEqualTo(registered.sha256());
        assertThatThrownBy(() -> resolver.resolvePinned("churn@3", "0".repeat(64))).isInstanceOf(ModelException.class)
                .hasMessageContaining("the run was planned with " + "0".repeat(64));
    }

    private ModelResolver resolver(ModelReferences references) {
        return new ModelResolver(new LocalStorage(), new ModelCache(directory.resolve("cache")), references);
    }

    private final class RecordingReferences implements ModelReferences {
        @Override
        public ModelArtifact resolve(String reference) {
            asked.add(reference);
            throw new ModelException("no registry in this test");
        }
    }

    private static void write(Path modelDirectory) throws IOException {
        Files.createDirectories(modelDirectory);
        OnnxModelWriter.write(OnnxModelWriter.logisticRegression(new float[] {1f, 2f}, 0f, "features", "score", Map.of()),
                modelDirectory.resolve("model.onnx"));
    }
}
