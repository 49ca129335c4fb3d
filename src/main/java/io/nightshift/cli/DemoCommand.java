package io.nightshift.cli;

import io.nightshift.NightshiftProperties;
import io.nightshift.demo.DemoSetup;
import io.nightshift.demo.RetrainAct;
import io.nightshift.gate.PromotionGate;
import io.nightshift.job.JobSpecParser;
import io.nightshift.job.RunOutcome;
import io.nightshift.job.Runs;
import io.nightshift.model.registry.ModelRegistry;
import io.nightshift.scoring.ScoringSettings;
import io.nightshift.storage.Storage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The demo. Its data, model and scores go to {@code <home>/demo}, beside the runs that wrote them: a home holds a run
 * and its output together, so a fresh home (or another NIGHTSHIFT_HOME) never meets scores an unknown run left in
 * its way, and deleting the home resets the demo. It prints the home it uses.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Generate a churn data set, train an ONNX model on it and score it (in <home>/demo).",
                "240,000 rows in 4 files with a few bad rows, and a logistic regression exported as ONNX, under "
                        + "--directory; scored on the embedded default, the run recorded in the home (~/.nightshift, or "
                        + "NIGHTSHIFT_HOME). Then the model becomes production demo-churn in the registry, a candidate is "
                        + "trained on newer data and gated against it, and a second demo user approves it. Safe to run "
                        + "again: it replaces its own output and gates a new candidate."},
        exitCodeListHeading = ExitCodes.HEADING, footerHeading = ExitCodes.FOOTER_HEADING, exitCodeList = {ExitCodes.SUCCESS_LINE, ExitCodes.FAILED_LINE, ExitCodes.USAGE_LINE})
final class DemoCommand implements Callable<Integer> {

    /** The job spec that scores the demo's data again, with the default home's paths ({@code ~/.nightshift/demo}). */
    private static final Path DEMO_SPEC = Path.of("jobs", "demo.yaml");

    @Option(names = "--directory", paramLabel = "PATH", description = "Where the demo puts its data, model and scores (default: <home>/demo).")
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
        DemoSetup.Demo[] prepared = new DemoSetup.Demo[1];
        RetrainAct.Outcome[] retrained = new RetrainAct.Outcome[1];
        int exitCode = RunExecution.executeInContext(context -> {
            Path home = context.getBean(NightshiftProperties.class).home().toAbsolutePath().normalize();
            System.out.printf("home        %s (runs, model cache, logs, this demo; NIGHTSHIFT_HOME moves it)%n", home);
            Path where = directory == null ? home.resolve("demo") : directory.toAbsolutePath().normalize();
            // Prepared inside the application so its logging is configured (parquet-java logs through it).
            DemoSetup.Demo demo = prepare(where);
            prepared[0] = demo;
            ScoringSettings settings = new ScoringSettings(demo.model().toString(), demo.input().toString(), demo.output().toString(),
                    null, "customer_id", List.of(), null, List.of("region"), ScoringSettings.DEFAULT_BATCH_SIZE, 50_000,
                    Runtime.getRuntime().availableProcessors(), ScoringSettings.DEFAULT_MAX_REJECT_FRACTION, true, "cpu");
            RunOutcome scored = context.getBean(Runs.class).score("demo", settings);
            if (scored.completed()) {
                try {
                    retrained[0] = new RetrainAct(context.getBean(ModelRegistry.class), context.getBean(PromotionGate.class),
                            context.getBean(Storage.class)).run(demo.model(), where);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException("Cannot prepare the demo's retraining under " + where + ": " + e.getMessage(), e);
                }
            }
            return scored;
        }, System.out);
        DemoSetup.Demo demo = prepared[0];
        if (retrained[0] != null) {
            System.out.print(retrainText(retrained[0]));
        }
        if (exitCode == ExitCodes.SUCCESS) {
            System.out.printf("%nWhere to look:%n");
            System.out.printf("  scores     %s/*.parquet (listed in %s/_manifest.json)%n", demo.output(), demo.output());
            System.out.printf("  rejects    %s/_rejects/ (the bad rows, with reasons)%n", demo.output());
            System.out.printf("  runs       ./nightshift status%n");
            if (retrained[0] != null) {
                System.out.printf("  models     ./nightshift models history %s   (registrations, gate runs, approvals)%n", RetrainAct.MODEL);
            }
            if (specScores(demo)) {
                System.out.printf("  again      ./nightshift run %s   (same data, as a job spec)%n", DEMO_SPEC);
            }
        }
        return exitCode;
    }

    /** The retrain-and-gate act: production, the candidate, the gate's verdict and checks, the refusal and the approval. */
    static String retrainText(RetrainAct.Outcome act) {
        StringBuilder text = new StringBuilder();
        String nl = System.lineSeparator();
        text.append(nl).append("Retrain and gate (in the model registry, %.1f s):".formatted(act.millis() / 1000.0)).append(nl);
        text.append("  production %s%s%n".formatted(act.production().reference(), act.productionSetUp()
                ? " (the demo's model: registered by " + RetrainAct.AUTHOR + ", gated, approved by " + RetrainAct.APPROVER + ")" : ""));
        text.append("  candidate  %s (mlp trained on %,d newer rows in %d ms, registered by %s)%n".formatted(act.candidate().reference(),
                act.trainingRows(), act.trainingMillis(), RetrainAct.AUTHOR));
        text.append("  gate       ");
        String gate = GateCommand.render(act.gated());
        text.append(gate.replace(nl, nl + "             ").stripTrailing()).append(nl);
        if (act.authorRefusal() != null) {
            text.append("  approve    by %s: refused: %s%n".formatted(RetrainAct.AUTHOR, act.authorRefusal()));
        }
        if (act.approval() != null) {
            text.append("  approve    by %s: %d of %d approval(s)%s%n".formatted(RetrainAct.APPROVER, act.approval().approvers().size(),
                    act.approval().required(), act.approval().promoted() ? "; promoted: production " + RetrainAct.MODEL + "@"
                            + act.approval().previousProduction() + " → " + act.approval().version().reference() : ""));
        }
        return text.toString();
    }

    /** Whether {@code jobs/demo.yaml} is here and reads this demo's model and input (it names the default home's). */
    private static boolean specScores(DemoSetup.Demo demo) {
        if (!Files.isRegularFile(DEMO_SPEC)) {
            return false;
        }
        try {
            ScoringSettings spec = JobSpecParser.read(DEMO_SPEC).scoring();
            return spec.model().equals(demo.model().toString()) && spec.input().startsWith(demo.input().toString());
        } catch (RuntimeException e) {
            return false;
        }
    }
}
