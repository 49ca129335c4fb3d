package io.nightshift.retrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nightshift.model.FeatureBlock;
import io.nightshift.model.InferenceOptions;
import io.nightshift.model.LoadedModel;
import io.nightshift.model.ModelArtifact;
import io.nightshift.model.ModelResolver;
import io.nightshift.model.ModelScorer;
import io.nightshift.model.ScoreBlock;
import io.nightshift.storage.LocalStorage;
import io.nightshift.storage.Storage;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training end to end on Parquet files: the exported model directory, loaded by the scoring path (model.yaml parsed by
 * the real parser, ONNX Runtime through DJL), scores the validation rows as the Java model does.
 */
class RetrainerTests {

    /** float32 inference against a double-precision reference: well above rounding, far below any real difference. */
    private static final double PARITY_TOLERANCE = 1e-5;

    @TempDir
    Path directory;

    private final Storage storage = new LocalStorage();
    private final Retrainer retrainer = new Retrainer(storage);
    private String data;

    @BeforeEach
    void writeTrainingFiles() throws IOException {
        // 5,000 rows in two files
        LabeledRows rows = NonLinearData.rows(5_000, 21);
        Path input = Files.createDirectories(directory.resolve("train"));
        NonLinearData.write(storage, input.resolve("part-0.parquet").toString(), NonLinearData.slice(rows, 0, 2_500), Set.of(), Set.of());
        NonLinearData.write(storage, input.resolve("part-1.parquet").toString(), NonLinearData.slice(rows, 2_500, 2_500), Set.of(),
                Set.of());
        data = input.toString();
    }

    @Test
    void anExportedPerceptronScoresTheValidationRowsThroughOnnxRuntimeAsTheJavaModelDoes() throws IOException {
        assertOnnxRuntimeMatchesJava(spec(TrainingSpec.Family.MLP, 7));
    }

    @Test
    void anExportedLogisticRegressionScoresTheValidationRowsThroughOnnxRuntimeAsTheJavaModelDoes() throws IOException {
        assertOnnxRuntimeMatchesJava(spec(TrainingSpec.Family.LOGISTIC_REGRESSION, 7));
    }

    @Test
    void theSameSeedGivesIdenticalOnnxBytesForEitherFamily() {
        for (TrainingSpec.Family family : TrainingSpec.Family.values()) {
            // when
            byte[] first = retrainer.train(spec(family, 5)).onnx();
            byte[] second = retrainer.train(spec(family, 5)).onnx();

            // then
            assertThat(second).as(family.specName()).isEqualTo(first);
        }
    }

    @Test
    void anotherSeedGivesOtherOnnxBytesForEitherFamily() {
        for (TrainingSpec.Family family : TrainingSpec.Family.values()) {
            // when: the seed changes the split (both families) and the initial weights and row order (mlp)
            byte[] first = retrainer.train(spec(family, 5)).onnx();
            byte[] second = retrainer.train(spec(family, 6)).onnx();

            // then
            assertThat(second).as(family.specName()).isNotEqualTo(first);
        }
    }

    @Test
    void thePerceptronBeatsTheLogisticRegressionInValidationRocAuc() {
        // when
        TrainingResult perceptron = retrainer.train(spec(TrainingSpec.Family.MLP, 7));
        TrainingResult regression = retrainer.train(spec(TrainingSpec.Family.LOGISTIC_REGRESSION, 7));

        // then
        System.out.printf(Locale.ROOT, "5,000 rows: validation ROC AUC mlp %.4f (train %.4f, %d ms), logistic regression %.4f"
                        + " (train %.4f, %d ms)%n", perceptron.validation().rocAuc(), perceptron.train().rocAuc(),
                perceptron.trainingMillis(), regression.validation().rocAuc(), regression.train().rocAuc(), regression.trainingMillis());
        assertThat(perceptron.validation().rocAuc()).isGreaterThan(regression.validation().rocAuc() + 0.1);
        assertThat(perceptron.validation().logLoss()).isLessThan(regression.validation().logLoss());
    }

    @Test
    void aModelDirectoryIsNeverOverwritten() throws IOException {
        // given
        TrainingResult result = retrainer.train(spec(TrainingSpec.Family.LOGISTIC_REGRESSION, 1));
        Path model = directory.resolve("model");
        result.writeModelDirectory(model, "churn", "1");

        // when / then
        assertThatThrownBy(() -> result.writeModelDirectory(model, "churn", "2")).isInstanceOf(FileAlreadyExistsException.class);
        assertThat(Files.readString(model.resolve("model.yaml"))).contains("version: '1'");
    }

    @Test
    void aFeaturePrefixChoosesTheFirstFilesMatchingColumnsInFileOrder() {
        // when
        TrainingResult result = retrainer.train(TrainingSpec.builder(data, NonLinearData.LABEL).featurePrefix("f").build());

        // then
        assertThat(result.featureNames()).isEqualTo(NonLinearData.FEATURES);
    }

    private void assertOnnxRuntimeMatchesJava(TrainingSpec spec) throws IOException {
        // given: a model trained, written as a model directory and resolved as scoring resolves it
        TrainingData trainingData = retrainer.read(spec);
        TrainingResult result = retrainer.train(spec, trainingData);
        LabeledRows validation = trainingData.split(spec.validationFraction(), spec.seed()).validation();
        Path model = directory.resolve("model-" + spec.family().specName());
        result.writeModelDirectory(model, "churn", "1");
        ModelArtifact artifact = new ModelResolver(storage, directory.resolve("cache")).resolve(model.toString());

        // when
        float[] scores;
        try (LoadedModel loaded = LoadedModel.load(artifact, artifact.spec().features(), InferenceOptions.cpu(1));
                ModelScorer scorer = loaded.newScorer()) {
            ScoreBlock block = scorer.score(new FeatureBlock(validation.features().clone(), validation.rows(), validation.width()));
            assertThat(loaded.outputColumns()).containsExactly("churn_probability");
            scores = block.columns()[0];
        }

        // then
        double[] expected = result.model().probabilities(validation.features());
        double largest = 0;
        for (int row = 0; row < expected.length; row++) {
            largest = Math.max(largest, Math.abs(scores[row] - expected[row]));
        }
        System.out.printf(Locale.ROOT, "%s: ONNX Runtime vs Java over %d validation rows, max |difference| %.3g%n",
                spec.family().specName(), expected.length, largest);
        assertThat(scores).hasSize(expected.length);
        assertThat(largest).isLessThanOrEqualTo(PARITY_TOLERANCE);
    }

    private TrainingSpec spec(TrainingSpec.Family family, long seed) {
        return TrainingSpec.builder(data, NonLinearData.LABEL).features(NonLinearData.FEATURES).family(family).seed(seed).build();
    }
}
