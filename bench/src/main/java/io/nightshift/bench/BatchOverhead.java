package io.nightshift.bench;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.inference.Predictor;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoopTranslator;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.nightshift.model.FeatureBlock;
import io.nightshift.model.InferenceOptions;
import io.nightshift.model.LoadedModel;
import io.nightshift.model.ModelArtifact;
import io.nightshift.model.ModelScorer;
import io.nightshift.model.ModelSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Case 8, the cost of one inference call on top of ONNX Runtime's own: the same model and the same 1,024-row batches
 * (on one thread, one intra-op thread) through
 * <ol>
 * <li>{@code raw}: the onnxruntime Java API, features copied once into a reused direct buffer (the floor);</li>
 * <li>{@code nightshift}: Nightshift's {@link ModelScorer}: DJL's predictor and translator, the preprocessing loop,
 * the input written into the scorer's reused direct buffer, scores copied out once;</li>
 * <li>{@code djl-float-array}: a DJL predictor fed {@code NDManager.create(float[])}, the usual way of using DJL,
 * in which ONNX Runtime allocates a direct buffer per batch and copies into it (how Nightshift did it before).</li>
 * </ol>
 * Rounds of the three interleave; the median time per batch of each is reported.
 *
 * <p>Usage: {@code BatchOverhead MODEL BATCH_ROWS BATCHES_PER_ROUND ROUNDS}; prints one {@code BENCH_RESULT} line.
 */
public final class BatchOverhead {

    private BatchOverhead() {
    }

    public static void main(String[] arguments) throws Exception {
        Path model = Path.of(arguments[0]);
        int rows = Integer.parseInt(arguments[1]);
        int batches = Integer.parseInt(arguments[2]);
        int rounds = Integer.parseInt(arguments[3]);
        int width = BenchData.FEATURES;
        float[] features = new float[rows * width];
        SplittableRandom random = new SplittableRandom(BenchData.SEED);
        for (int i = 0; i < features.length; i++) {
            features[i] = (float) random.nextGaussian();
        }
        List<ModelSpec.FeatureSpec> specs = new ArrayList<>();
        for (int i = 0; i < width; i++) {
            specs.add(ModelSpec.FeatureSpec.plain(String.format("f%02d", i)));
        }
        ModelArtifact artifact = new ModelArtifact(model.toString(), model, new ModelSpec("bench", "1", null, specs, List.of()), true,
                "0".repeat(64));
        double[] raw = new double[rounds];
        double[] nightshift = new double[rounds];
        double[] djl = new double[rounds];
        try (LoadedModel loaded = LoadedModel.load(artifact, specs, InferenceOptions.cpu(1));
                ModelScorer scorer = loaded.newScorer();
                ZooModel<NDList, NDList> plain = Criteria.builder().setTypes(NDList.class, NDList.class).optModelPath(model)
                        .optEngine("OnnxRuntime").optOptions(LoadedModel.onnxRuntimeOptions(InferenceOptions.cpu(1)))
                        .optTranslator(new NoopTranslator()).build().loadModel();
                Predictor<NDList, NDList> predictor = plain.newPredictor();
                NDManager manager = NDManager.newBaseManager("OnnxRuntime");
                OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            OrtEnvironment environment = OrtEnvironment.getEnvironment();
            try (OrtSession session = environment.createSession(model.toString(), options)) {
                String inputName = session.getInputNames().iterator().next();
                FloatBuffer direct = ByteBuffer.allocateDirect(features.length * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
                double checksum = 0;
                long measured = System.nanoTime();
                for (int round = -1; round < rounds; round++) { // round -1 warms all three up
                    long start = System.nanoTime();
                    for (int batch = 0; batch < batches; batch++) {
                        direct.clear();
                        direct.put(features).flip();
                        try (OnnxTensor tensor = OnnxTensor.createTensor(environment, direct, new long[] {rows, width});
                                OrtSession.Result result = session.run(Map.of(inputName, tensor))) {
                            checksum += ((OnnxTensor) result.get(0)).getFloatBuffer().get(0);
                        }
                    }
                    long rawNanos = System.nanoTime() - start;
                    start = System.nanoTime();
                    for (int batch = 0; batch < batches; batch++) {
                        checksum += scorer.score(new FeatureBlock(features, rows, width)).columns()[0][0];
                    }
                    long nightshiftNanos = System.nanoTime() - start;
                    start = System.nanoTime();
                    for (int batch = 0; batch < batches; batch++) {
                        try (NDManager perBatch = manager.newSubManager()) {
                            NDList output = predictor.predict(new NDList(perBatch.create(features, new Shape(rows, width))));
                            checksum += output.head().toFloatArray()[0];
                        }
                    }
                    long djlNanos = System.nanoTime() - start;
                    if (round >= 0) {
                        raw[round] = rawNanos / 1e6 / batches;
                        nightshift[round] = nightshiftNanos / 1e6 / batches;
                        djl[round] = djlNanos / 1e6 / batches;
                    }
                }
                System.out.printf("BENCH_RESULT {\"rows\": %d, \"seconds\": %.3f, \"checksum\": %.3f, \"rawMillisPerBatch\": %.4f,"
                        + " \"nightshiftMillisPerBatch\": %.4f, \"djlFloatArrayMillisPerBatch\": %.4f}%n", 3L * rows * batches * (rounds + 1),
                        (System.nanoTime() - measured) / 1e9, checksum, median(raw), median(nightshift), median(djl));
            }
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
