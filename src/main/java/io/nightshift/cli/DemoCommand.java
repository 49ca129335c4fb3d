package io.nightshift.cli;

import io.nightshift.demo.DemoSetup;
import io.nightshift.scoring.ScoringSettings;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Generate data, train a model and score it: Nightshift end to end in a minute.",
                "A churn data set (240,000 rows, 4 files, a few bad rows), a model trained and exported as ONNX, scored on "
                        + "the embedded default (H2 under ./var). Safe to run again: it replaces its own output."},
        exitCodeListHeading = ExitCodes.HEADING, footerHeading = ExitCodes.FOOTER_HEADING, exitCodeList = {ExitCodes.SUCCESS_LINE, ExitCodes.FAILED_LINE, ExitCodes.USAGE_LINE})
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--directory", defaultValue = "var/demo", paramLabel = "PATH", description = "Where the demo puts its data, model and scores (default: ${DEFAULT-VALUE}).")
    Path directory;

    private DemoSetup.Demo prepare() {
        try {
            DemoSetup.Demo demo = DemoSetup.prepare(directory);
            System.out.printf("demo data   %s (%,d rows in %d files, %d deliberately bad rows)%n", demo.input(), demo.rows(),
                    DemoSetup.FILES, demo.badRows());
            System.out.printf("demo model  %s (logistic regression trained in %d ms, log loss %.4f; preprocessing in model.yaml)%n",
                    demo.model(), demo.trainingMillis(), demo.trainingLogLoss());
            return demo;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("Cannot prepare the demo under " + directory + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Integer call() {
        DemoSetup.Demo[] prepared = new DemoSetup.Demo[1];
        int exitCode = RunExecution.execute(runs -> {
            // Prepared inside the application so its logging is configured (parquet-java logs through it).
            DemoSetup.Demo demo = prepare();
            prepared[0] = demo;
            ScoringSettings settings = new ScoringSettings(demo.model().toString(), demo.input().toString(), demo.output().toString(),
                    null, "customer_id", List.of(), null, List.of("region"), ScoringSettings.DEFAULT_BATCH_SIZE, 50_000,
                    Runtime.getRuntime().availableProcessors(), ScoringSettings.DEFAULT_MAX_REJECT_FRACTION, true, "cpu");
            return runs.score("demo", settings);
        }, System.out);
        DemoSetup.Demo demo = prepared[0];
        if (exitCode == ExitCodes.SUCCESS) {
            System.out.printf("%nWhere to look:%n");
            System.out.printf("  scores     %s/*.parquet (listed in %s/_manifest.json)%n", demo.output(), demo.output());
            System.out.printf("  rejects    %s/_rejects/ (the bad rows, with reasons)%n", demo.output());
            System.out.printf("  runs       ./nightshift status%n");
            System.out.printf("  again      ./nightshift run jobs/demo.yaml   (same data, as a job spec)%n");
        }
        return exitCode;
    }
}
