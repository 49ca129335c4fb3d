package io.nightshift.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Case 2, the compute ceiling: the model in a plain ONNX Runtime session loop (the onnxruntime Java API, no DJL)
 * over features already in memory. Thread settings match Nightshift's: as many scoring threads as Nightshift runs
 * partitions, each call with {@code cores / threads} intra-op threads (1 on 2 cores with 2 partitions), one shared
 * session as Nightshift shares one loaded model between its predictors. Batches go in through direct buffers, so
 * no copy a better-written caller could avoid is counted.
 *
 * <p>Usage: {@code ComputeCeiling MODEL ROWS BATCH_SIZE THREADS [cpu|gpu]}; prints one {@code BENCH_RESULT} line.
 */
public final class ComputeCeiling {

    private ComputeCeiling() {
    }

    public static void main(String[] arguments) throws Exception {
        String model = arguments[0];
        int rows = Integer.parseInt(arguments[1]);
        int batchSize = Integer.parseInt(arguments[2]);
        int threads = Integer.parseInt(arguments[3]);
        boolean gpu = arguments.length > 4 && arguments[4].equals("gpu");
        int width = BenchData.FEATURES;
        float[] features = new float[Math.multiplyExact(rows, width)];
        SplittableRandom random = new SplittableRandom(BenchData.SEED);
        for (int i = 0; i < features.length; i++) {
            features[i] = (float) random.nextGaussian();
        }
        int intraOpThreads = Math.max(1, Runtime.getRuntime().availableProcessors() / threads);
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(intraOpThreads);
            options.setInterOpNumThreads(1);
            if (gpu) {
                options.addCUDA(0);
            }
            try (OrtSession session = environment.createSession(model, options)) {
                String inputName = session.getInputNames().iterator().next();
                // warm-up: one batch, not timed (Nightshift's plan step also runs a test inference before scoring)
                score(environment, session, inputName, features, 0, Math.min(batchSize, rows), width);
                long start = System.nanoTime();
                ExecutorService pool = Executors.newFixedThreadPool(threads);
                List<Future<Double>> results = new ArrayList<>();
                int slice = (rows + threads - 1) / threads;
                for (int thread = 0; thread < threads; thread++) {
                    int from = Math.min(rows, thread * slice);
                    int to = Math.min(rows, from + slice);
                    Callable<Double> task = () -> {
                        double checksum = 0;
                        for (int row = from; row < to; row += batchSize) {
                            checksum += score(environment, session, inputName, features, row, Math.min(batchSize, to - row), width);
                        }
                        return checksum;
                    };
                    results.add(pool.submit(task));
                }
                double checksum = 0;
                for (Future<Double> result : results) {
                    checksum += result.get();
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                pool.shutdown();
                System.out.printf("BENCH_RESULT {\"rows\": %d, \"seconds\": %.3f, \"checksum\": %.3f, \"threads\": %d, \"intraOpThreads\": %d}%n",
                        rows, seconds, checksum, threads, intraOpThreads);
            }
        }
    }

    private static final ThreadLocal<FloatBuffer> INPUT = new ThreadLocal<>();

    private static double score(OrtEnvironment environment, OrtSession session, String inputName, float[] features, int firstRow,
            int rows, int width) throws Exception {
        FloatBuffer input = INPUT.get();
        if (input == null || input.capacity() < rows * width) {
            input = ByteBuffer.allocateDirect(rows * width * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
            INPUT.set(input);
        }
        input.clear();
        input.put(features, firstRow * width, rows * width);
        input.flip();
        try (OnnxTensor tensor = OnnxTensor.createTensor(environment, input, new long[] {rows, width});
                OrtSession.Result result = session.run(Map.of(inputName, tensor))) {
            FloatBuffer output = ((OnnxTensor) result.get(0)).getFloatBuffer();
            float[] scores = new float[output.remaining()];
            output.get(scores);
            return scores[0] + scores[scores.length - 1];
        }
    }
}
