package io.nightshift.cli;

import io.nightshift.gate.CheckResult;
import io.nightshift.gate.PromotionGate;
import io.nightshift.job.Runs;
import io.nightshift.model.registry.ModelState;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "gate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Evaluate a candidate against production on a holdout and record the decision.",
                "Scores both versions (files verified against their sha256) on the same rows, applies the model's "
                        + "promotion policy (retrain-gate/NAME.yaml), stores the report (report.json, report.html) with "
                        + "the candidate and records REJECTED, or PENDING_APPROVAL (approve it with nightshift models "
                        + "approve), or PROMOTED when the policy auto-promotes. Without a production version only the "
                        + "absolute checks apply, and the report says so."},
        exitCodeListHeading = ExitCodes.HEADING, footerHeading = ExitCodes.FOOTER_HEADING,
        exitCodeList = {"0:The candidate passed (pending approval, or promoted).", "1:The candidate was rejected, or the gate failed.",
                "2:Bad usage or configuration: unknown model or version, no policy or holdout, a tampered artifact."})
final class GateCommand implements Callable<Integer> {

    /** Passing checks listed besides the failed ones: enough to see how close the candidate came. */
    private static final int PASSING_SHOWN = 5;

    @Parameters(index = "0", paramLabel = "NAME", description = "The model, e.g. churn.")
    String name;

    @Option(names = "--candidate", required = true, paramLabel = "V", description = "The version to gate.")
    int candidate;

    @Option(names = "--production", paramLabel = "V",
            description = "The production version expected (default: what the production alias points to; refused if it "
                    + "points elsewhere).")
    Integer production;

    @Option(names = "--holdout", paramLabel = "URI", description = "Labelled Parquet rows (default: the policy's holdout).")
    String holdout;

    @Option(names = "--label-column", paramLabel = "C", description = "The holdout's 0/1 label (default: the policy's label_column).")
    String labelColumn;

    @Option(names = "--policy", paramLabel = "FILE", description = "The policy (default: retrain-gate/NAME.yaml).")
    Path policy;

    @Option(names = "--recent", paramLabel = "URI", description = "A recent input, for the policy's feature drift check "
            + "(default: the input of the last completed run that scored NAME).")
    String recent;

    @Option(names = "--report-dir", paramLabel = "DIR", description = "A new local directory for the report (default: under the home).")
    Path reportDirectory;

    @Mixin
    ByOption by;

    @Override
    public Integer call() {
        try (ConfigurableApplicationContext context = ApplicationContexts.start(List.of())) {
            PromotionGate gate = context.getBean(PromotionGate.class);
            // Without --recent, the drift check compares the training data with what the model last scored.
            String recentInput = recent != null ? recent : context.getBean(Runs.class).lastCompletedInput(name).orElse(null);
            PromotionGate.Outcome outcome = gate.gate(new PromotionGate.Request(name, candidate, production, holdout, labelColumn, policy,
                    recentInput, reportDirectory, by.by));
            System.out.print(render(outcome));
            System.out.flush();
            return outcome.passed() ? ExitCodes.SUCCESS : ExitCodes.FAILED;
        }
    }

    /** The decision word, every failed check, the passing checks closest to their limits, the report and what is next. */
    static String render(PromotionGate.Outcome outcome) {
        StringBuilder text = new StringBuilder();
        String reference = outcome.candidate().reference();
        String against = outcome.production() == null ? "no production version (absolute checks only)"
                : "production " + outcome.candidate().name() + "@" + outcome.production();
        String word = outcome.recorded().state() == ModelState.PROMOTED ? "PROMOTED" : outcome.result().decision().name();
        text.append("%s %s against %s (policy %s)%n".formatted(word, reference, against, outcome.policy().source()));
        List<CheckResult> failed = outcome.result().failedChecks();
        for (CheckResult check : failed) {
            text.append("  failed  ").append(describe(check)).append(System.lineSeparator());
        }
        List<CheckResult> passing = outcome.result().checks().stream().filter(CheckResult::passed)
                .sorted(Comparator.comparing((CheckResult check) -> check.margin() == null ? Double.MAX_VALUE : check.margin()))
                .limit(PASSING_SHOWN).toList();
        for (CheckResult check : passing) {
            text.append("  passed  ").append(describe(check)).append(System.lineSeparator());
        }
        long passedCount = outcome.result().checks().size() - failed.size();
        text.append("  %d of %d check(s) passed%s%n".formatted(passedCount, outcome.result().checks().size(),
                passedCount > passing.size() ? " (shown: the " + passing.size() + " closest to their limits)" : ""));
        text.append(RegistryText.field("report", outcome.reportLocation()));
        text.append(RegistryText.field("state", outcome.recorded().state()
                + switch (outcome.recorded().state()) {
                    case PENDING_APPROVAL -> " (" + outcome.recorded().approvalsRequired() + " approval(s) needed: nightshift models approve "
                            + outcome.candidate().name() + " " + outcome.candidate().version() + " --reason TEXT, by someone "
                            + "other than " + outcome.candidate().registeredBy() + ")";
                    case PROMOTED -> " (auto-promoted: production is " + reference + ")";
                    default -> "";
                }));
        text.append(RegistryText.field("took", String.format(Locale.ROOT, "%.1f s", outcome.evaluationMillis() / 1000.0)));
        return text.toString();
    }

    /** {@code roc_auc.threshold  observed 0.7712 >= 0.8000 (margin -0.0288), 95% CI [..]}. */
    static String describe(CheckResult check) {
        StringBuilder line = new StringBuilder("%-28s observed %s %s %s".formatted(check.name(), number(check.observed()), check.operator(),
                number(check.limit())));
        if (check.margin() != null) {
            line.append(" (margin ").append(signed(check.margin())).append(')');
        }
        if (check.ciLow() != null && check.ciHigh() != null) {
            line.append(", 95% CI [").append(number(check.ciLow())).append(", ").append(number(check.ciHigh())).append(']');
        }
        return line.toString();
    }

    private static String number(Double value) {
        return value == null ? "-" : String.format(Locale.ROOT, "%.4f", value);
    }

    private static String signed(double value) {
        return String.format(Locale.ROOT, "%+.4f", value);
    }
}
