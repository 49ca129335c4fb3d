package io.nightshift.retrain;

import static java.util.Objects.requireNonNull;

import io.nightshift.model.ModelSpec;
import io.nightshift.model.ModelSpecWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A trained model with what it was trained on and how well it fits, ready to become a model directory:
 * {@value #MODEL_FILE} (the graph over standardized features), {@value #SPEC_FILE} (features with their mean and scale,
 * the task, positive label, training data reference and training metrics: what the registry and the gate read) and
 * {@value #TRAINING_FILE} (how training ran: family, hyper-parameters, split, skipped rows, files read).
 *
 * @param featureNames model input order
 * @param trainingMillis wall time of training alone (not reading or evaluation); reported, never written to a file
 */
public record TrainingResult(TrainingSpec spec, TrainedModel model, List<String> featureNames, TrainingDataReference data,
        SkippedRows skipped, ClassificationMetrics train, ClassificationMetrics validation, long trainingMillis) {

    public static final String MODEL_FILE = "model.onnx";
    public static final String SPEC_FILE = "model.yaml";
    public static final String TRAINING_FILE = "training.yaml";
    /** Input tensor name of exported models. */
    public static final String INPUT_NAME = "features";
    /** Output tensor name of exported models. */
    public static final String OUTPUT_NAME = "probability";
    public static final String TASK = "binary-classification";
    public static final int POSITIVE_LABEL = 1;

    public TrainingResult {
        requireNonNull(spec, "spec is null");
        requireNonNull(model, "model is null");
        featureNames = List.copyOf(requireNonNull(featureNames, "featureNames is null"));
        requireNonNull(data, "data is null");
        requireNonNull(skipped, "skipped is null");
        requireNonNull(train, "train is null");
        requireNonNull(validation, "validation is null");
        if (featureNames.size() != model.width()) {
            throw new IllegalArgumentException(featureNames.size() + " feature names for a model of " + model.width() + " features");
        }
    }

    /** The ONNX bytes: deterministic, so the same data, spec and seed give the same file. */
    public byte[] onnx() {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("producer", "nightshift retrain");
        metadata.put("family", model.family());
        metadata.put("features", String.join(",", featureNames));
        metadata.put("training_data_sha256", data.sha256());
        return model.toOnnx(INPUT_NAME, OUTPUT_NAME, metadata);
    }

    /**
     * {@code model.yaml}: identity, features with their standardization, one output column, and the metadata the
     * registry and the gate read: task, positive label, training data (uri, rows, sha256) and training metrics grouped
     * as {@code train.*} and {@code validation.*}.
     */
    public String modelYaml(String name, String version, String outputColumn) {
        float[] mean = model.mean();
        float[] scale = model.scale();
        List<ModelSpec.FeatureSpec> features = new ArrayList<>(featureNames.size());
        for (int column = 0; column < featureNames.size(); column++) {
            features.add(new ModelSpec.FeatureSpec(featureNames.get(column), mean[column], scale[column], null));
        }
        Map<String, Double> trainingMetrics = new LinkedHashMap<>();
        putMetrics(trainingMetrics, "train", train);
        putMetrics(trainingMetrics, "validation", validation);
        ModelSpec.Metadata metadata = new ModelSpec.Metadata(ModelSpec.Task.fromYaml(TASK), String.valueOf(POSITIVE_LABEL),
                new ModelSpec.TrainingData(data.uri(), data.rows(), data.sha256()), trainingMetrics, null);
        ModelSpec modelSpec = new ModelSpec(name, version, INPUT_NAME, features,
                List.of(new ModelSpec.OutputSpec(OUTPUT_NAME, List.of(outputColumn))), metadata);
        return ModelSpecWriter.toYaml(modelSpec, List.of(
                "Model " + name + " trained by nightshift (" + model.family() + ") on " + data.uri() + ".",
                "Preprocessing is versioned with the model: each feature is standardised as (x - mean) / scale.",
                "How training ran (hyper-parameters, split, files read) is in " + TRAINING_FILE + "."));
    }

    /**
     * {@code training.yaml}: {@code training}: family, hyper-parameters, split, skipped rows, the files read and, for an
     * mlp, the epochs: the run's details, which no one decides on (what the registry and the gate read is in
     * model.yaml). Deterministic: no times or host names.
     */
    public String trainingYaml() {
        Map<String, Object> root = new LinkedHashMap<>();
        Map<String, Object> training = new LinkedHashMap<>();
        training.put("family", model.family());
        training.put("features", featureNames);
        training.put("label", spec.label());
        Map<String, Object> hyperParameters = new LinkedHashMap<>();
        hyperParameters.put("l2", spec.l2());
        if (model instanceof TrainedPerceptron perceptron) {
            hyperParameters.put("hidden", spec.hidden());
            hyperParameters.put("epochs", spec.epochs());
            hyperParameters.put("learning_rate", spec.learningRate());
            hyperParameters.put("batch_size", spec.batchSize());
            hyperParameters.put("patience", spec.patience());
            training.put("hyper_parameters", hyperParameters);
            training.put("epochs_run", perceptron.epochsRun());
            training.put("best_epoch", perceptron.bestEpoch());
        } else if (model instanceof TrainedLogisticRegression regression) {
            training.put("hyper_parameters", hyperParameters);
            training.put("newton_iterations", regression.iterations());
        }
        training.put("seed", spec.seed());
        Map<String, Object> split = new LinkedHashMap<>();
        split.put("method", "stratified by label, seeded shuffle");
        split.put("validation_fraction", spec.validationFraction());
        split.put("train_rows", train.rows());
        split.put("validation_rows", validation.rows());
        training.put("split", split);
        Map<String, Object> skippedRows = new LinkedHashMap<>();
        skippedRows.put("missing_feature", skipped.missingFeature());
        skippedRows.put("missing_label", skipped.missingLabel());
        skippedRows.put("invalid_label", skipped.invalidLabel());
        training.put("skipped_rows", skippedRows);
        List<Object> files = new ArrayList<>();
        for (TrainingDataReference.TrainingFile file : data.files()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("uri", file.uri());
            entry.put("version", file.version());
            entry.put("rows", file.rows());
            files.add(entry);
        }
        training.put("files", files);
        root.put("training", training);
        return "# How this model was trained; its task, training data and metrics are in model.yaml.\n"
                + ModelSpecWriter.yaml().dump(root);
    }

    /**
     * The directory's files by name, in writing order; for a store other than the local disk. The output column is
     * what scoring calls the probability in its output.
     */
    public Map<String, byte[]> modelFiles(String name, String version, String outputColumn) {
        requireNonNull(name, "name is null");
        requireNonNull(version, "version is null");
        requireNonNull(outputColumn, "outputColumn is null");
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put(MODEL_FILE, onnx());
        files.put(SPEC_FILE, modelYaml(name, version, outputColumn).getBytes(StandardCharsets.UTF_8));
        files.put(TRAINING_FILE, trainingYaml().getBytes(StandardCharsets.UTF_8));
        return files;
    }

    /** Writes the model directory with output column {@code <name>_probability}; see {@link #writeModelDirectory(Path, String, String, String)}. */
    public void writeModelDirectory(Path directory, String name, String version) throws IOException {
        writeModelDirectory(directory, name, version, name + "_probability");
    }

    /**
     * Writes {@value #MODEL_FILE}, {@value #SPEC_FILE} and {@value #TRAINING_FILE} into {@code directory} (created if
     * missing). Files are created, never replaced: a directory that already holds one of them fails with
     * {@link java.nio.file.FileAlreadyExistsException}, so a published model is never changed under its readers.
     */
    public void writeModelDirectory(Path directory, String name, String version, String outputColumn) throws IOException {
        requireNonNull(directory, "directory is null");
        Map<String, byte[]> files = modelFiles(name, version, outputColumn);
        Files.createDirectories(directory);
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            Files.write(directory.resolve(file.getKey()), file.getValue(), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        }
    }

    /** {@code group.log_loss}, {@code group.roc_auc} (left out when undefined: one class only), {@code group.accuracy}. */
    private static void putMetrics(Map<String, Double> values, String group, ClassificationMetrics metrics) {
        values.put(group + ".log_loss", metrics.logLoss());
        if (Double.isFinite(metrics.rocAuc())) {
            values.put(group + ".roc_auc", metrics.rocAuc());
        }
        values.put(group + ".accuracy", metrics.accuracy());
    }
}
