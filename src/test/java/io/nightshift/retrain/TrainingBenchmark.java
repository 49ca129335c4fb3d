package io.nightshift.retrain;

import io.nightshift.storage.LocalStorage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/**
 * Measures training wall time of both families on the non-linear table at several sizes (80/20 split). Not a test:
 * speed is reported, not asserted. Run with
 * {@code java -cp <test classpath> io.nightshift.retrain.TrainingBenchmark [rows...]} (default 5000 50000; repeat sizes to see them with a warm JIT);
 * {@code -Dprint=true} also prints the model directory's YAML files of the first size.
 */
public final class TrainingBenchmark {

    private TrainingBenchmark() {
    }

    public static void main(String[] arguments) throws Exception {
        int[] sizes = arguments.length == 0 ? new int[] {5_000, 50_000}
                : java.util.Arrays.stream(arguments).mapToInt(Integer::parseInt).toArray();
        LocalStorage storage = new LocalStorage();
        Path directory = Files.createTempDirectory("nightshift-training-benchmark");
        boolean printed = !Boolean.getBoolean("print");
        for (int round = 0; round < sizes.length; round++) {
            int rows = sizes[round];
            String file = directory.resolve("train-" + round + "-" + rows + ".parquet").toString();
            NonLinearData.write(storage, file, NonLinearData.rows(rows, 2026), Set.of(), Set.of());
            Retrainer retrainer = new Retrainer(storage);
            for (TrainingSpec.Family family : TrainingSpec.Family.values()) {
                TrainingSpec spec = TrainingSpec.builder(file, NonLinearData.LABEL).features(NonLinearData.FEATURES).family(family)
                        .seed(7).build();
                long started = System.nanoTime();
                TrainingResult result = retrainer.train(spec);
                long totalMillis = (System.nanoTime() - started) / 1_000_000;
                String epochs = result.model() instanceof TrainedPerceptron perceptron
                        ? perceptron.epochsRun() + " epochs (best " + perceptron.bestEpoch() + ")"
                        : ((TrainedLogisticRegression) result.model()).iterations() + " Newton steps";
                System.out.printf(Locale.ROOT, "%,7d rows %-19s training %,6d ms (read + split + train + evaluate %,6d ms), %s,"
                                + " validation ROC AUC %.4f, log loss %.4f%n", rows, family.specName(), result.trainingMillis(),
                        totalMillis, epochs, result.validation().rocAuc(), result.validation().logLoss());
                if (!printed && family == TrainingSpec.Family.MLP) {
                    System.out.println(result.modelYaml("churn", "1", "churn_probability"));
                    System.out.println(result.trainingYaml());
                    printed = true;
                }
            }
        }
    }
}
