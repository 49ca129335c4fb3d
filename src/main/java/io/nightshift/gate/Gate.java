package io.nightshift.gate;

import static java.util.Objects.requireNonNull;

import io.nightshift.model.LoadedModel;
import io.nightshift.model.ModelSpec;
import io.nightshift.storage.Storage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The promotion gate's evaluation: scores a candidate (and production, if any) on the same holdout rows, computes the
 * metrics, the paired bootstrap intervals of their differences, score PSI, collapse signals, per-slice metrics and
 * feature drift, applies the policy, and writes {@code report.json} and {@code report.html}. It decides REJECTED or
 * what promotion takes; recording the decision, approvals and promotion belong to the registry, not here.
 */
public final class Gate {

    public static final String REPORT_JSON = "report.json";
    public static final String REPORT_HTML = "report.html";

    private final Storage storage;

    public Gate(Storage storage) {
        this.storage = requireNonNull(storage, "storage is null");
    }

    /** The decision, every check, and where the reports were written. */
    public record GateResult(Decision decision, List<CheckResult> checks, String reportJsonUri, String reportHtmlUri, Report report) {
        public GateResult {
            requireNonNull(decision, "decision is null");
            checks = List.copyOf(checks);
        }

        public List<CheckResult> failedChecks() {
            return checks.stream().filter(check -> !check.passed()).toList();
        }
    }

    public GateResult evaluate(GateInputs inputs) {
        requireNonNull(inputs, "inputs is null");
        GatePolicy policy = inputs.policy();
        if (policy.drift() != null && inputs.trainingDataUri() == null) {
            throw new GateException("Cannot evaluate " + inputs.candidate().artifact().describe() + " under policy " + policy.source()
                    + ": it checks feature drift (drift.max_feature_psi) but no training data and recent input were given");
        }
        try {
            HoldoutScorer.Holdout holdout = new HoldoutScorer.Holdout(inputs.holdoutUri(), inputs.labelColumn(),
                    policy.sliceColumns(), inputs.batchSize());
            HoldoutScorer.Scores scores = new HoldoutScorer(storage).score(holdout, inputs.candidate(), inputs.production());
            Report.Drift drift = null;
            if (inputs.trainingDataUri() != null) {
                drift = new DriftAnalysis(storage, DriftAnalysis.DEFAULT_MAX_ROWS).analyse(storage.normalize(inputs.trainingDataUri()),
                        storage.normalize(inputs.recentDataUri()),
                        inputs.candidate().features().stream().map(ModelSpec.FeatureSpec::name).toList());
            }
            Evidence evidence = evidence(scores, policy, drift, inputs.seed(), inputs.bootstrapResamples(), inputs.threads(),
                    identity(inputs.candidate(), scores.candidateColumn(), scores.candidateTiming()),
                    inputs.production() == null ? null : identity(inputs.production(), scores.productionColumn(), scores.productionTiming()));
            String directory = storage.normalize(inputs.reportDirectory());
            String jsonUri = storage.resolve(directory, REPORT_JSON);
            String htmlUri = storage.resolve(directory, REPORT_HTML);
            write(jsonUri, ReportJson.write(evidence.report()));
            write(htmlUri, HtmlReport.render(evidence).getBytes(StandardCharsets.UTF_8));
            return new GateResult(evidence.report().decision(), evidence.report().checks(), jsonUri, htmlUri, evidence.report());
        } catch (IOException e) {
            throw new GateException("Cannot evaluate " + inputs.candidate().artifact().describe() + " on holdout " + inputs.holdoutUri()
                    + ": " + e.getMessage(), e);
        }
    }

    private void write(String uri, byte[] content) throws IOException {
        try (OutputStream out = storage.create(uri)) {
            out.write(content);
        } catch (FileAlreadyExistsException e) {
            throw new GateException("Cannot write the gate report " + uri + ": it exists already; give each evaluation its own report directory", e);
        }
    }

    /** A model's identity and speed, as the report shows it. */
    record ModelIdentity(String name, String version, String sha256, String scoreColumn, HoldoutScorer.Timing timing) {
    }

    private static ModelIdentity identity(LoadedModel model, String column, HoldoutScorer.Timing timing) {
        return new ModelIdentity(model.artifact().name(), model.artifact().version(), model.artifact().sha256(), column, timing);
    }

    /** Everything computed, for the JSON report and the plots of the HTML one. */
    record Evidence(Report report, BinaryMetrics candidate, BinaryMetrics production) {
    }

    /** The statistics and the decision for scored rows: the part of an evaluation that needs no model or file. */
    static Evidence evidence(HoldoutScorer.Scores scores, GatePolicy policy, Report.Drift drift, long seed, int resamples, int threads,
            ModelIdentity candidateModel, ModelIdentity productionModel) {
        boolean[] labels = scores.labels();
        int rows = labels.length;
        int positives = 0;
        for (boolean label : labels) {
            positives += label ? 1 : 0;
        }
        if (positives == 0 || positives == rows) {
            throw new GateException("Cannot evaluate on the holdout: its " + rows + " evaluated rows hold "
                    + (rows == 0 ? "nothing" : "one class only (" + (positives == 0 ? "no positives" : "no negatives") + ")")
                    + "; ROC AUC and the stratified bootstrap need both labels"
                    + (scores.excluded() > 0 ? " (" + scores.excluded() + " rows were excluded: " + scores.excludedByReason() + ")" : ""));
        }
        boolean compared = scores.production() != null;
        BinaryMetrics candidate = new BinaryMetrics(labels, scores.candidate(), policy.threshold());
        BinaryMetrics production = compared ? new BinaryMetrics(labels, scores.production(), policy.threshold()) : null;
        MetricValues candidateValues = candidate.all();
        MetricValues productionValues = compared ? production.all() : null;
        Map<Metric, PairedBootstrap.Interval> intervals = compared
                ? PairedBootstrap.differences(candidate, production, labels, resamples, seed, threads) : null;
        Report.Collapse candidateCollapse = candidate.collapse();
        Map<String, Report.Collapse> collapse = new LinkedHashMap<>();
        collapse.put("candidate", candidateCollapse);
        if (compared) {
            collapse.put("production", production.collapse());
        }
        Report.Slices slices = slices(policy, scores, compared);
        GateEvaluator.Evaluation evaluation = GateEvaluator.evaluate(policy, candidateValues, productionValues, intervals,
                candidateCollapse, slices == null ? List.of() : slices.evaluated(), drift);
        List<Report.Comparison> comparisons = new ArrayList<>();
        if (compared) {
            for (Metric metric : Metric.values()) {
                PairedBootstrap.Interval interval = intervals.get(metric);
                double difference = candidateValues.get(metric) - productionValues.get(metric);
                boolean significant = metric.greaterIsBetter() ? interval.low() > 0 : interval.high() < 0;
                boolean checked = policy.checks().stream().anyMatch(check -> check.metric() == metric);
                comparisons.add(new Report.Comparison(metric.key(), nullable(candidateValues.get(metric)),
                        nullable(productionValues.get(metric)), nullable(difference), nullable(interval.low()),
                        nullable(interval.high()), metric.greaterIsBetter(), significant, checked));
            }
        }
        Report.ScorePsi scorePsi = null;
        if (compared) {
            PopulationStability.Result psi = PopulationStability.index(scores.production(), scores.candidate());
            scorePsi = new Report.ScorePsi(psi.psi(), psi.edges(), psi.expectedFractions(), psi.actualFractions());
        }
        List<String> notes = new ArrayList<>();
        if (!compared) {
            notes.add("No production model: only absolute checks were applied (metric thresholds, collapse, calibration, drift);"
                    + " comparisons with production, their bootstrap intervals and slice AUC drops were not evaluated.");
        }
        if (scores.excluded() > 0) {
            notes.add(scores.excluded() + " of " + scores.rowsRead() + " holdout rows were left out for both models: "
                    + scores.excludedByReason());
        }
        Report.Models models = new Report.Models(modelReport(candidateModel, candidateValues, candidate),
                compared ? modelReport(productionModel, productionValues, production) : null);
        Report report = new Report(Report.FORMAT_VERSION, evaluation.decision(), policy.source(), Instant.now().toString(), seed,
                compared ? resamples : 0, policy.threshold(), compared, List.copyOf(notes), scores.rowsRead(), rows, positives,
                new Report.Excluded(scores.excluded(), new TreeMap<>(scores.excludedByReason()), scores.excludedExamples()),
                evaluation.checks(), evaluation.skipped(), models, List.copyOf(comparisons), scorePsi, collapse, slices, drift);
        return new Evidence(report, candidate, production);
    }

    private static Report.ModelReport modelReport(ModelIdentity model, MetricValues values, BinaryMetrics metrics) {
        HoldoutScorer.Timing timing = model == null ? null : model.timing();
        return new Report.ModelReport(model == null ? null : model.name(), model == null ? null : model.version(),
                model == null ? null : model.sha256(), model == null ? null : model.scoreColumn(), metricMap(values),
                metrics.reliability(), timing == null ? 0 : timing.rowsPerSecond(), timing == null ? 0 : timing.p99BatchLatencyMs(),
                timing == null ? 0 : timing.batches());
    }

    static Map<String, Double> metricMap(MetricValues values) {
        Map<String, Double> map = new LinkedHashMap<>();
        values.asMap().forEach((metric, value) -> map.put(metric.key(), nullable(value)));
        return map;
    }

    private static Report.Slices slices(GatePolicy policy, HoldoutScorer.Scores scores, boolean compared) {
        GatePolicy.Slices settings = policy.slices();
        if (settings == null) {
            return null;
        }
        List<Report.SliceResult> evaluated = new ArrayList<>();
        List<Report.SmallSlice> tooSmall = new ArrayList<>();
        boolean[] labels = scores.labels();
        for (String column : settings.columns()) {
            String[] values = scores.slices().get(column);
            Map<String, List<Integer>> rowsByValue = new TreeMap<>();
            for (int row = 0; row < values.length; row++) {
                rowsByValue.computeIfAbsent(values[row], value -> new ArrayList<>()).add(row);
            }
            for (Map.Entry<String, List<Integer>> slice : rowsByValue.entrySet()) {
                List<Integer> rows = slice.getValue();
                if (rows.size() < settings.minRows()) {
                    tooSmall.add(new Report.SmallSlice(column, slice.getKey(), rows.size()));
                    continue;
                }
                boolean[] sliceLabels = new boolean[rows.size()];
                double[] candidateScores = new double[rows.size()];
                double[] productionScores = compared ? new double[rows.size()] : null;
                int positives = 0;
                for (int i = 0; i < rows.size(); i++) {
                    int row = rows.get(i);
                    sliceLabels[i] = labels[row];
                    positives += labels[row] ? 1 : 0;
                    candidateScores[i] = scores.candidate()[row];
                    if (compared) {
                        productionScores[i] = scores.production()[row];
                    }
                }
                MetricValues candidate = new BinaryMetrics(sliceLabels, candidateScores, policy.threshold()).all();
                MetricValues production = compared ? new BinaryMetrics(sliceLabels, productionScores, policy.threshold()).all() : null;
                Double difference = compared ? nullable(candidate.rocAuc() - production.rocAuc()) : null;
                evaluated.add(new Report.SliceResult(column, slice.getKey(), rows.size(), positives, metricMap(candidate),
                        compared ? metricMap(production) : null, difference));
            }
        }
        return new Report.Slices(settings.columns(), settings.minRows(), List.copyOf(evaluated), List.copyOf(tooSmall));
    }

    static Double nullable(double value) {
        return Double.isFinite(value) ? value : null;
    }
}
