package io.nightshift.cli;

import io.nightshift.NightshiftProperties;
import io.nightshift.demo.DemoSetup;
import io.nightshift.job.Runs;
import io.nightshift.scoring.ScoringSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The demo. Its data, model and scores are files for the user to look at, so they go to {@code ./demo} where the demo
 * is run (beside {@code jobs/demo.yaml} in a checkout, whose relative paths point there); the run itself is state and
 * is recorded in the home like any other, which the demo prints.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Generate a churn data set (240,000 rows, 4 files, a few bad rows) and train a model as ONNX under",
                "--directory, then score it on the embedded default (the run is recorded in the home, ~/.nightshift or",
                "NIGHTSHIFT_HOME). Safe to run again: it replaces its own output."})
final class DemoCommand implements Callable<Integer> {

    /** The job spec that scores the demo's data again; its paths are relative to its own directory ({@code ../demo}). */
    private static final Path DEMO_SPEC = Path.of("jobs", "demo.yaml");

    @Option(names = "--directory", defaultValue = "demo", description = "Where the demo puts its data, model and scores (default: ./${DEFAULT-VALUE}).")
    Path directory;

    private DemoSetup.Demo prepare(Path where) {
        try {
            DemoSetup.Demo demo = DemoSetup.prepare(where);
            System.out.printf("demo data   %s (%,d rows in %d files, %d deliberately bad rows)%n", demo.input(), demo.rows(),
                    DemoSetup.FILES, demo.badRows());
            System.out.printf("demo model  %s (logistic regression trained in %d ms, log loss %.4f; preprocessing in model.yaml)%n",
                    demo.model(), demo.trainingMillis(), demo.trainingLogLoss());
            return demo;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("Cannot prepare the demo under " + where + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Integer call() {
        Path where = directory.toAbsolutePath().normalize();
        DemoSetup.Demo[] prepared = new DemoSetup.Demo[1];
        int exitCode = RunExecution.executeInContext(context -> {
            System.out.printf("home        %s (runs, model cache, logs; NIGHTSHIFT_HOME moves it)%n",
                    context.getBean(NightshiftProperties.class).home().toAbsolutePath().normalize());
            // Prepared inside the application so its logging is configured (parquet-java logs through it).
            DemoSetup.Demo demo = prepare(where);
            prepared[0] = demo;
            ScoringSettings settings = new ScoringSettings(demo.model().toString(), demo.input().toString(), demo.output().toString(),
                    null, "customer_id", List.of(), null, List.of("region"), ScoringSettings.DEFAULT_BATCH_SIZE, 50_000,
                    Runtime.getRuntime().availableProcessors(), ScoringSettings.DEFAULT_MAX_REJECT_FRACTION, true, "cpu");
            return context.getBean(Runs.class).score("demo", settings);
        }, System.out);
        DemoSetup.Demo demo = prepared[0];
        if (exitCode == ExitCodes.SUCCESS) {
            System.out.printf("%nWhere to look:%n");
            System.out.printf("  scores     %s/*.parquet (listed in %s/_manifest.json)%n", demo.output(), demo.output());
            System.out.printf("  rejects    %s/_rejects/ (the bad rows, with reasons)%n", demo.output());
            System.out.printf("  runs       ./nightshift status%n");
            if (specScoresThisDemo(where)) {
                System.out.printf("  again      ./nightshift run %s   (same data, as a job spec)%n", DEMO_SPEC);
            }
        }
        return exitCode;
    }

    /** Whether {@code jobs/demo.yaml} is here and its {@code ../demo} paths lead to this demo's directory. */
    private static boolean specScoresThisDemo(Path where) {
        Path spec = DEMO_SPEC.toAbsolutePath();
        return Files.isRegularFile(spec) && spec.getParent().resolve("../demo").normalize().equals(where);
    }
}
