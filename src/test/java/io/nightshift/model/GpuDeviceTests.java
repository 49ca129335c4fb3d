package io.nightshift.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import ai.djl.Device;
import ai.djl.repository.zoo.Criteria;
import io.nightshift.model.onnx.OnnxModelWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GPU path is configuration: {@code device: gpu} must reach DJL as a GPU device (DJL's ONNX Runtime engine then
 * adds the CUDA execution provider), and where CUDA is missing, loading must fail with a message that names the model
 * and says the GPU is the problem. No GPU is needed to run these tests.
 */
class GpuDeviceTests {

    private static final List<ModelSpec.FeatureSpec> FEATURES = List.of(ModelSpec.FeatureSpec.plain("f00"),
            ModelSpec.FeatureSpec.plain("f01"), ModelSpec.FeatureSpec.plain("f02"));

    @TempDir
    Path directory;

    @Test
    void gpuAndCudaAreParsedAsTheGpuDevice() {
        assertThat(InferenceOptions.device("gpu")).isEqualTo(InferenceOptions.Device.GPU);
        assertThat(InferenceOptions.device(" CUDA ")).isEqualTo(InferenceOptions.Device.GPU);
        assertThat(InferenceOptions.device("cpu")).isEqualTo(InferenceOptions.Device.CPU);
    }

    @Test
    void anUnknownDeviceIsRejectedWithTheValueInTheMessage() {
        assertThatThrownBy(() -> InferenceOptions.device("tpu"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'tpu'");
    }

    @Test
    void gpuOptionsBuildCriteriaForTheOnnxRuntimeEngineOnTheGpu() {
        // given
        InferenceOptions options = new InferenceOptions(InferenceOptions.Device.GPU, 2);

        // when
        Criteria<ModelTranslator.Input, ScoreBlock> criteria = LoadedModel.criteria(directory.resolve("model.onnx"), translator(), options);

        // then
        assertThat(criteria.getEngine()).isEqualTo("OnnxRuntime");
        assertThat(criteria.getDevice()).isEqualTo(Device.gpu());
        assertThat(criteria.getDevice().isGpu()).isTrue();
        assertThat(criteria.getOptions()).containsEntry("intraOpNumThreads", "2").containsEntry("interOpNumThreads", "1");
    }

    @Test
    void cpuOptionsBuildCriteriaOnTheCpu() {
        Criteria<ModelTranslator.Input, ScoreBlock> criteria = LoadedModel.criteria(directory.resolve("model.onnx"), translator(),
                InferenceOptions.cpu(1));

        assertThat(criteria.getDevice()).isEqualTo(Device.cpu());
    }

    @Test
    void loadingOnTheGpuWithoutCudaFailsNamingTheModelAndTheMissingGpu() throws IOException {
        // given: this machine has no CUDA (skipped where it does: there the load would rightly succeed)
        assumeThat(Files.exists(Path.of("/proc/driver/nvidia/version"))).as("no NVIDIA driver on this machine").isFalse();
        ModelArtifact artifact = artifact();

        // when / then
        assertThatThrownBy(() -> LoadedModel.load(artifact, FEATURES, new InferenceOptions(InferenceOptions.Device.GPU, 1)))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("Cannot load model " + artifact.describe())
                .hasMessageContaining("device gpu")
                .hasMessageContaining("CUDA/GPU is unavailable");
    }

    @Test
    void theSameModelLoadsOnTheCpu() throws IOException {
        try (LoadedModel model = LoadedModel.load(artifact(), FEATURES, InferenceOptions.cpu(1))) {
            assertThat(model.outputColumns()).containsExactly("score");
        }
    }

    private ModelArtifact artifact() throws IOException {
        Path onnx = directory.resolve("model.onnx");
        OnnxModelWriter.write(OnnxModelWriter.logisticRegression(new float[] {0.5f, -0.25f, 1f}, 0.1f, "features", "score", Map.of()), onnx);
        return new ModelArtifact(onnx.toString(), onnx, new ModelSpec("gpu-check", "1", null, FEATURES, List.of()), true,
                "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
    }

    private static ModelTranslator translator() {
        return new ModelTranslator("features", FEATURES, List.of("score"), new int[] {1});
    }
}
