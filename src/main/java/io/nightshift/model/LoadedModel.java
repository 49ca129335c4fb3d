package io.nightshift.model;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A model loaded into ONNX Runtime through DJL, checked against the features a job feeds it: the input width must
 * equal the feature count, and one test inference must succeed before any row is scored (a model that loads but
 * cannot run is caught here, not hours into a run). Thread-safe; each thread scores through its own
 * {@link ModelScorer} because DJL predictors are not. Closing waits for batches being scored and makes later ones
 * fail with a {@link ModelException}: a session freed under a running batch crashes the JVM (see
 * {@link OnnxRuntimeGuard}).
 */
public final class LoadedModel implements AutoCloseable {

    private final ModelArtifact artifact;
    private final List<ModelSpec.FeatureSpec> features;
    private final ZooModel<ModelTranslator.Input, ScoreBlock> model;
    private final List<String> outputColumns;
    private final OnnxRuntimeGuard guard;
    private volatile boolean closed;

    private LoadedModel(ModelArtifact artifact, List<ModelSpec.FeatureSpec> features, ZooModel<ModelTranslator.Input, ScoreBlock> model,
            List<String> outputColumns, OnnxRuntimeGuard guard) {
        this.artifact = artifact;
        this.features = features;
        this.model = model;
        this.outputColumns = outputColumns;
        this.guard = guard;
    }

    /**
     * Loads a model for the given features (for a model directory, its spec's features; for a bare ONNX file, the
     * columns the job chose, without preprocessing).
     */
    public static LoadedModel load(ModelArtifact artifact, List<ModelSpec.FeatureSpec> features, InferenceOptions options) {
        return load(artifact, features, options, OnnxRuntimeGuard.PROCESS);
    }

    static LoadedModel load(ModelArtifact artifact, List<ModelSpec.FeatureSpec> features, InferenceOptions options,
            OnnxRuntimeGuard guard) {
        LoadedModel loaded = guard.call("load model " + artifact.describe(), () -> loadUnguarded(artifact, features, options, guard));
        guard.opened(loaded);
        if (guard.isShutDown()) {
            // Shut down between the load and the registration: the shutdown did not see this model, so close it here.
            loaded.close();
            throw new ModelException("Cannot load model " + artifact.describe() + ": ONNX Runtime is shut down because the process is exiting");
        }
        return loaded;
    }

    private static LoadedModel loadUnguarded(ModelArtifact artifact, List<ModelSpec.FeatureSpec> features, InferenceOptions options,
            OnnxRuntimeGuard guard) {
        String name = artifact.describe() + " from " + artifact.location();
        if (features.isEmpty()) {
            throw new ModelException("Cannot load model " + name + ": no features to feed it");
        }
        Probe probe = probe(artifact, name, features.size());
        List<String> outputNames = new ArrayList<>();
        List<String> columns = new ArrayList<>();
        int[] widths;
        if (artifact.spec().outputs().isEmpty()) {
            widths = new int[probe.outputNames.size()];
            for (int i = 0; i < probe.outputNames.size(); i++) {
                String output = probe.outputNames.get(i);
                outputNames.add(output);
                widths[i] = probe.outputWidths.get(i);
                if (widths[i] == 1) {
                    columns.add(output);
                } else {
                    for (int element = 0; element < widths[i]; element++) {
                        columns.add(output + "_" + element);
                    }
                }
            }
        } else {
            widths = new int[artifact.spec().outputs().size()];
            for (int i = 0; i < widths.length; i++) {
                ModelSpec.OutputSpec output = artifact.spec().outputs().get(i);
                int index = probe.outputNames.indexOf(output.name());
                if (index < 0) {
                    throw new ModelException("Cannot load model " + name + ": model.yaml names output '" + output.name()
                            + "' but the model's outputs are " + probe.outputNames);
                }
                widths[i] = probe.outputWidths.get(index);
                outputNames.add(output.name());
                if (output.columns().isEmpty()) {
                    for (int element = 0; element < widths[i]; element++) {
                        columns.add(widths[i] == 1 ? output.name() : output.name() + "_" + element);
                    }
                } else if (output.columns().size() != widths[i]) {
                    throw new ModelException("Cannot load model " + name + ": model.yaml gives " + output.columns().size()
                            + " column names for output '" + output.name() + "' but it has " + widths[i] + " elements per row");
                } else {
                    columns.addAll(output.columns());
                }
            }
        }
        ModelTranslator translator = new ModelTranslator(probe.inputName(), features, outputNames, widths);
        Criteria<ModelTranslator.Input, ScoreBlock> criteria = criteria(artifact.onnxFile(), translator, options);
        try {
            ZooModel<ModelTranslator.Input, ScoreBlock> model = criteria.loadModel();
            return new LoadedModel(artifact, List.copyOf(features), model, List.copyOf(columns), guard);
        } catch (IOException | ModelNotFoundException | MalformedModelException | RuntimeException e) {
            if (options.device() == InferenceOptions.Device.GPU) {
                // The probe already ran the model on the CPU, so a failure here is the GPU's: say so, not just ORT's words.
                throw new ModelException("Cannot load model " + name + " on device gpu: CUDA/GPU is unavailable ("
                        + rootMessage(e) + "). Run on a node with an NVIDIA GPU, CUDA 12 and cuDNN 9 using a build with "
                        + "onnxruntime_gpu (./mvnw -Pgpu package), or set device to cpu.", e);
            }
            throw new ModelException("Cannot load model " + name + ": " + rootMessage(e), e);
        }
    }

    /**
     * How DJL is asked to load the model: the ONNX Runtime engine on the chosen device (for {@code gpu}, DJL's engine
     * adds ONNX Runtime's CUDA execution provider to the session options) with explicit thread counts.
     */
    static Criteria<ModelTranslator.Input, ScoreBlock> criteria(java.nio.file.Path onnxFile, ModelTranslator translator,
            InferenceOptions options) {
        return Criteria.builder()
                .setTypes(ModelTranslator.Input.class, ScoreBlock.class)
                .optModelPath(onnxFile)
                .optEngine("OnnxRuntime")
                .optDevice(device(options))
                .optOptions(onnxRuntimeOptions(options))
                .optTranslator(translator)
                .build();
    }

    public ModelArtifact artifact() {
        return artifact;
    }

    public List<ModelSpec.FeatureSpec> features() {
        return features;
    }

    /** Output column names in the order {@link ScoreBlock#columns()} holds them. */
    public List<String> outputColumns() {
        return outputColumns;
    }

    /**
     * Call before {@code System.exit}: waits for calls into ONNX Runtime in flight, refuses later ones and closes every
     * model still open, so ORT's shutdown hook frees its environment under no running session (onnxruntime#31352).
     */
    public static void shutDownOnnxRuntime() {
        OnnxRuntimeGuard.PROCESS.shutDown();
    }

    /** A scorer for the calling thread; close it when the thread is done. */
    public ModelScorer newScorer() {
        return use("score with model " + artifact.describe(), () -> new ModelScorer(model.newPredictor(), artifact.describe(), this));
    }

    /** Runs a call into this model's session unless the model (or ONNX Runtime) is closed; see {@link OnnxRuntimeGuard}. */
    <T, E extends Exception> T use(String what, OnnxRuntimeGuard.Call<T, E> call) throws E {
        return guard.call(what, () -> {
            if (closed) {
                throw new ModelException("Cannot " + what + ": the model is closed (the run is ending)");
            }
            return call.call();
        });
    }

    boolean isClosed() {
        return closed;
    }

    /** Waits for batches being scored, then frees the session; later calls fail with a {@link ModelException}. */
    @Override
    public void close() {
        guard.exclusively(() -> {
            if (!closed) {
                closed = true;
                model.close();
            }
        });
        guard.closed(this);
    }

    private record Probe(String inputName, List<String> outputNames, List<Integer> outputWidths) {
    }

    /**
     * Opens the model once with ONNX Runtime directly (DJL does not report input shapes) to check its single float
     * input is [rows, featureCount], then runs one row of zeros to learn its outputs' names and widths: a model that
     * loads but cannot run fails here, before any row is scored.
     */
    private static Probe probe(ModelArtifact artifact, String name, int featureCount) {
        // DJL's engine creates the process-wide ORT environment with its thread settings; it must come first.
        ai.djl.engine.Engine.getEngine("OnnxRuntime");
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions sessionOptions = new OrtSession.SessionOptions()) {
            sessionOptions.setIntraOpNumThreads(1);
            try (OrtSession session = environment.createSession(artifact.onnxFile().toString(), sessionOptions)) {
                Map<String, NodeInfo> inputs = session.getInputInfo();
                String inputName = artifact.spec().inputName();
                if (inputName == null) {
                    if (inputs.size() != 1) {
                        throw new ModelException("Cannot load model " + name + ": it has " + inputs.size() + " inputs " + inputs.keySet()
                                + "; Nightshift feeds one float tensor [rows, features] (name it with 'input' in model.yaml)");
                    }
                    inputName = inputs.keySet().iterator().next();
                } else if (!inputs.containsKey(inputName)) {
                    throw new ModelException("Cannot load model " + name + ": model.yaml names input '" + inputName
                            + "' but the model's inputs are " + inputs.keySet());
                }
                if (!(inputs.get(inputName).getInfo() instanceof TensorInfo tensor) || tensor.type != OnnxJavaType.FLOAT) {
                    throw new ModelException("Cannot load model " + name + ": input '" + inputName + "' is "
                            + inputs.get(inputName).getInfo() + "; Nightshift feeds a float32 tensor [rows, features]");
                }
                long[] shape = tensor.getShape();
                if (shape.length != 2) {
                    throw new ModelException("Cannot load model " + name + ": its input '" + inputName + "' has shape "
                            + Arrays.toString(shape) + "; expected [rows, features]");
                }
                if (shape[1] > 0 && shape[1] != featureCount) {
                    throw new ModelException("Cannot load model " + name + ": it expects " + shape[1] + " input features but "
                            + featureCount + " are configured. Check --features/--feature-prefix or the features list in model.yaml.");
                }
                List<String> names = new ArrayList<>();
                List<Integer> widths = new ArrayList<>();
                try (OnnxTensor zeros = OnnxTensor.createTensor(environment, FloatBuffer.wrap(new float[featureCount]), new long[] {1, featureCount});
                        OrtSession.Result result = session.run(Map.of(inputName, zeros))) {
                    for (Map.Entry<String, OnnxValue> output : result) {
                        names.add(output.getKey());
                        if (!(output.getValue().getInfo() instanceof TensorInfo outputTensor)) {
                            throw new ModelException("Cannot load model " + name + ": output '" + output.getKey()
                                    + "' is not a tensor (" + output.getValue().getInfo() + ")");
                        }
                        long elements = 1;
                        for (long dimension : outputTensor.getShape()) {
                            elements *= Math.max(1, dimension);
                        }
                        widths.add((int) elements);
                    }
                }
                return new Probe(inputName, names, widths);
            }
        } catch (OrtException e) {
            throw new ModelException("Cannot load model " + name + ": " + sentence(e.getMessage())
                    + " Is it a complete, valid ONNX model with one float input [rows, features]?", e);
        }
    }

    /**
     * The number of features a bare model's single float input {@code [rows, features]} takes, as ONNX Runtime reads it
     * from the file; empty when the width is dynamic. What {@code models register --feature-prefix} names columns by.
     */
    public static java.util.OptionalInt inputWidth(java.nio.file.Path onnxFile) {
        ai.djl.engine.Engine.getEngine("OnnxRuntime");
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions sessionOptions = new OrtSession.SessionOptions()) {
            sessionOptions.setIntraOpNumThreads(1);
            try (OrtSession session = environment.createSession(onnxFile.toString(), sessionOptions)) {
                Map<String, NodeInfo> inputs = session.getInputInfo();
                if (inputs.size() != 1 || !(inputs.values().iterator().next().getInfo() instanceof TensorInfo tensor)
                        || tensor.getShape().length != 2) {
                    throw new ModelException("Cannot read the input width of " + onnxFile + ": it has inputs " + inputs.values()
                            + "; Nightshift feeds one float tensor [rows, features]");
                }
                long width = tensor.getShape()[1];
                return width > 0 ? java.util.OptionalInt.of((int) width) : java.util.OptionalInt.empty();
            }
        } catch (OrtException e) {
            throw new ModelException("Cannot read model " + onnxFile + ": " + sentence(e.getMessage())
                    + " Is it a complete, valid ONNX model with one float input [rows, features]?", e);
        }
    }

    static Device device(InferenceOptions options) {
        return options.device() == InferenceOptions.Device.GPU ? Device.gpu() : Device.cpu();
    }

    /** ONNX Runtime's message as one sentence: single line, one final period. */
    private static String sentence(String message) {
        String line = message == null ? "unknown error" : message.replace('\n', ' ').trim();
        while (line.endsWith(".")) {
            line = line.substring(0, line.length() - 1);
        }
        return line + ".";
    }

    static String rootMessage(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return (message == null ? root.getClass().getSimpleName() : message).replace('\n', ' ').trim();
    }

    /** Loader options map, exposed for the benchmark harness's plain-ONNX-Runtime ceiling to match our settings. */
    public static Map<String, String> onnxRuntimeOptions(InferenceOptions options) {
        return Map.of("interOpNumThreads", "1", "intraOpNumThreads", Integer.toString(options.intraOpThreads()));
    }
}
