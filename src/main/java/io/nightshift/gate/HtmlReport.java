package io.nightshift.gate;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders {@code report.html}: one self-contained page (inline CSS and SVG drawn here, no script, no network) with the
 * decision, every check, the metrics and their intervals, ROC curves, overlaid score histograms, reliability diagrams,
 * and the slice, drift and excluded-row tables.
 */
final class HtmlReport {

    private static final String CANDIDATE_COLOUR = "#1f77b4";
    private static final String PRODUCTION_COLOUR = "#ff7f0e";
    private static final int PLOT = 300;
    private static final int PAD = 40;
    private static final int HISTOGRAM_BINS = 20;

    private HtmlReport() {
    }

    static String render(Gate.Evidence evidence) {
        Report report = evidence.report();
        Report.ModelReport candidate = report.models().candidate();
        Report.ModelReport production = report.models().production();
        StringBuilder html = new StringBuilder(64 * 1024);
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Gate report: ")
                .append(escape(name(candidate))).append("</title>\n<style>")
                .append("body{font-family:system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:1em 0}")
                .append("td,th{border:1px solid #ccc;padding:3px 8px;text-align:right;white-space:nowrap}td.l{white-space:normal}th{background:#f4f4f4}td.l,th.l{text-align:left}")
                .append(".pass{color:#137333}.fail{color:#b3261e;font-weight:bold}.decision{font-size:1.6em;padding:.4em .8em;display:inline-block}")
                .append(".REJECTED{background:#fce8e6;color:#b3261e}.PENDING_APPROVAL{background:#fef7e0;color:#8a5a00}")
                .append(".AUTO_PROMOTE{background:#e6f4ea;color:#137333}svg{margin:0 1em 1em 0;background:#fff}.plots{display:flex;flex-wrap:wrap}")
                .append("</style></head><body>\n");
        html.append("<h1>Promotion gate: ").append(escape(name(candidate))).append("</h1>\n");
        html.append("<div class=\"decision ").append(report.decision()).append("\">").append(report.decision()).append("</div>\n");
        html.append("<p>Policy <code>").append(escape(report.policy())).append("</code>; production: ")
                .append(production == null ? "<b>none</b>" : escape(name(production))).append("; ")
                .append(report.rowsEvaluated()).append(" rows evaluated (").append(report.positives()).append(" positive) of ")
                .append(report.rowsRead()).append(" read; threshold ").append(number(report.threshold())).append("; seed ")
                .append(report.seed()).append(", ").append(report.bootstrapResamples()).append(" bootstrap resamples; ")
                .append(escape(report.generatedAt())).append(".</p>\n");
        for (String note : report.notes()) {
            html.append("<p><i>").append(escape(note)).append("</i></p>\n");
        }

        html.append("<h2>Checks</h2>\n<table><tr><th class=\"l\">check</th><th>result</th><th>observed</th><th>limit</th>")
                .append("<th>margin</th><th>95% CI</th><th class=\"l\">detail</th></tr>\n");
        for (CheckResult check : report.checks()) {
            html.append("<tr><td class=\"l\">").append(escape(check.name())).append("</td><td class=\"")
                    .append(check.passed() ? "pass\">pass" : "fail\">FAIL").append("</td><td>").append(number(check.observed()))
                    .append("</td><td>").append(escape(check.operator())).append(' ').append(number(check.limit())).append("</td><td>")
                    .append(number(check.margin())).append("</td><td>")
                    .append(check.ciLow() == null ? "" : "[" + number(check.ciLow()) + ", " + number(check.ciHigh()) + "]")
                    .append("</td><td class=\"l\">").append(escape(check.detail())).append("</td></tr>\n");
        }
        for (SkippedCheck skipped : report.skippedChecks()) {
            html.append("<tr><td class=\"l\">").append(escape(skipped.name())).append("</td><td>skipped</td><td></td><td></td><td></td><td></td>")
                    .append("<td class=\"l\">").append(escape(skipped.reason())).append("</td></tr>\n");
        }
        html.append("</table>\n");

        html.append("<h2>Metrics</h2>\n<table><tr><th class=\"l\">metric</th><th>candidate</th><th>production</th>")
                .append("<th>difference</th><th>95% CI</th><th>significant</th></tr>\n");
        for (Metric metric : Metric.values()) {
            Report.Comparison comparison = report.comparisons().stream().filter(c -> c.metric().equals(metric.key())).findFirst().orElse(null);
            html.append("<tr><td class=\"l\">").append(metric.key()).append(metric.greaterIsBetter() ? " ↑" : " ↓").append("</td><td>")
                    .append(number(candidate.metrics().get(metric.key()))).append("</td><td>")
                    .append(production == null ? "" : number(production.metrics().get(metric.key()))).append("</td><td>")
                    .append(comparison == null ? "" : number(comparison.difference())).append("</td><td>")
                    .append(comparison == null ? "" : "[" + number(comparison.ciLow()) + ", " + number(comparison.ciHigh()) + "]")
                    .append("</td><td>").append(comparison == null ? "" : comparison.significant() ? "yes" : "no").append("</td></tr>\n");
        }
        html.append("<tr><td class=\"l\">throughput (rows/s)</td><td>").append(number(candidate.throughputRowsPerSecond(), "%.0f"))
                .append("</td><td>").append(production == null ? "" : number(production.throughputRowsPerSecond(), "%.0f"))
                .append("</td><td></td><td></td><td></td></tr>\n<tr><td class=\"l\">p99 batch latency (ms)</td><td>")
                .append(number(candidate.p99BatchLatencyMs(), "%.3f")).append("</td><td>")
                .append(production == null ? "" : number(production.p99BatchLatencyMs(), "%.3f"))
                .append("</td><td></td><td></td><td></td></tr>\n</table>\n");

        html.append("<div class=\"plots\">\n");
        html.append(rocPlot(evidence));
        html.append(histogramPlot(evidence));
        html.append(reliabilityPlot(report));
        html.append("</div>\n<p><span style=\"color:").append(CANDIDATE_COLOUR).append("\">■ candidate</span> &nbsp; <span style=\"color:")
                .append(PRODUCTION_COLOUR).append("\">■ production</span></p>\n");

        html.append("<h2>Collapse signals</h2>\n<table><tr><th class=\"l\">model</th><th>majority share</th><th>majority class</th>")
                .append("<th>score std</th><th>distinct scores (1e-4)</th><th>mode (0.01)</th><th>share within 0.01 of mode</th></tr>\n");
        for (Map.Entry<String, Report.Collapse> entry : report.collapse().entrySet()) {
            Report.Collapse collapse = entry.getValue();
            html.append("<tr><td class=\"l\">").append(entry.getKey()).append("</td><td>").append(number(collapse.majorityShare()))
                    .append("</td><td>").append(collapse.majorityClass()).append("</td><td>").append(number(collapse.scoreStd()))
                    .append("</td><td>").append(collapse.distinctScores()).append("</td><td>").append(number(collapse.scoreMode()))
                    .append("</td><td>").append(number(collapse.modeShare())).append("</td></tr>\n");
        }
        html.append("</table>\n");
        if (report.scorePsi() != null) {
            html.append("<p>Score PSI (candidate against production, production deciles): <b>").append(number(report.scorePsi().psi()))
                    .append("</b></p>\n");
        }

        if (report.slices() != null) {
            html.append("<h2>Slices</h2>\n<table><tr><th class=\"l\">column</th><th class=\"l\">value</th><th>rows</th><th>positives</th>")
                    .append("<th>candidate ROC AUC</th><th>production ROC AUC</th><th>difference</th><th>candidate log loss</th></tr>\n");
            for (Report.SliceResult slice : report.slices().evaluated()) {
                html.append("<tr><td class=\"l\">").append(escape(slice.column())).append("</td><td class=\"l\">").append(escape(slice.value()))
                        .append("</td><td>").append(slice.rows()).append("</td><td>").append(slice.positives()).append("</td><td>")
                        .append(number(slice.candidate().get("roc_auc"))).append("</td><td>")
                        .append(slice.production() == null ? "" : number(slice.production().get("roc_auc"))).append("</td><td>")
                        .append(number(slice.rocAucDifference())).append("</td><td>").append(number(slice.candidate().get("log_loss")))
                        .append("</td></tr>\n");
            }
            for (Report.SmallSlice slice : report.slices().tooSmall()) {
                html.append("<tr><td class=\"l\">").append(escape(slice.column())).append("</td><td class=\"l\">").append(escape(slice.value()))
                        .append("</td><td>").append(slice.rows()).append("</td><td colspan=\"5\" class=\"l\">too small (min_rows ")
                        .append(report.slices().minRows()).append(")</td></tr>\n");
            }
            html.append("</table>\n");
        }

        if (report.drift() != null) {
            html.append("<h2>Feature drift</h2>\n<p>Training data <code>").append(escape(report.drift().trainingData()))
                    .append("</code> (").append(report.drift().trainingRows()).append(" rows) against recent input <code>")
                    .append(escape(report.drift().recentData())).append("</code> (").append(report.drift().recentRows()).append(" rows).</p>\n")
                    .append("<table><tr><th class=\"l\">feature</th><th>PSI</th><th>KS statistic</th><th>KS p-value</th>")
                    .append("<th>missing (training / recent)</th></tr>\n");
            for (Report.FeatureDrift feature : report.drift().features()) {
                html.append("<tr><td class=\"l\">").append(escape(feature.feature())).append("</td><td>").append(number(feature.psi()))
                        .append("</td><td>").append(number(feature.ksStatistic())).append("</td><td>")
                        .append(number(feature.ksPValue(), "%.3g")).append("</td><td>").append(feature.trainingMissing()).append(" / ")
                        .append(feature.recentMissing()).append("</td></tr>\n");
            }
            html.append("</table>\n");
        }

        html.append("<h2>Excluded rows</h2>\n<p>").append(report.excluded().total()).append(" rows left out for both models")
                .append(report.excluded().byReason().isEmpty() ? "." : ": " + escape(report.excluded().byReason().toString())).append("</p>\n");
        if (!report.excluded().examples().isEmpty()) {
            html.append("<table><tr><th class=\"l\">file</th><th>row</th><th class=\"l\">reason</th><th class=\"l\">model</th>")
                    .append("<th class=\"l\">message</th></tr>\n");
            for (Report.ExcludedRow row : report.excluded().examples()) {
                html.append("<tr><td class=\"l\">").append(escape(row.file())).append("</td><td>").append(row.row()).append("</td><td class=\"l\">")
                        .append(escape(row.reason())).append("</td><td class=\"l\">").append(row.model() == null ? "" : escape(row.model()))
                        .append("</td><td class=\"l\">").append(escape(row.message())).append("</td></tr>\n");
            }
            html.append("</table>\n");
        }
        html.append("</body></html>\n");
        return html.toString();
    }

    private static String rocPlot(Gate.Evidence evidence) {
        StringBuilder svg = frame("ROC curve", "false positive rate", "true positive rate");
        svg.append(line(0, 0, 1, 1, "#bbb", "4 3"));
        if (evidence.production() != null) {
            svg.append(polyline(evidence.production().rocCurve(200), PRODUCTION_COLOUR));
        }
        svg.append(polyline(evidence.candidate().rocCurve(200), CANDIDATE_COLOUR));
        return svg.append("</svg>\n").toString();
    }

    private static String histogramPlot(Gate.Evidence evidence) {
        int[] candidate = evidence.candidate().histogram(HISTOGRAM_BINS);
        int[] production = evidence.production() == null ? null : evidence.production().histogram(HISTOGRAM_BINS);
        double rows = evidence.candidate().rows();
        double maximum = 0;
        for (int bin = 0; bin < HISTOGRAM_BINS; bin++) {
            maximum = Math.max(maximum, candidate[bin] / rows);
            if (production != null) {
                maximum = Math.max(maximum, production[bin] / rows);
            }
        }
        StringBuilder svg = frame("Score histogram", "positive-class score", "share of rows", maximum);
        double width = 1.0 / HISTOGRAM_BINS;
        for (int bin = 0; bin < HISTOGRAM_BINS; bin++) {
            if (production != null) {
                svg.append(bar(bin * width, width, production[bin] / rows / maximum, PRODUCTION_COLOUR));
            }
            svg.append(bar(bin * width, width, candidate[bin] / rows / maximum, CANDIDATE_COLOUR));
        }
        return svg.append("</svg>\n").toString();
    }

    private static String reliabilityPlot(Report report) {
        StringBuilder svg = frame("Reliability diagram", "mean score in bin", "observed positive rate");
        svg.append(line(0, 0, 1, 1, "#bbb", "4 3"));
        if (report.models().production() != null) {
            svg.append(points(report.models().production().reliability(), PRODUCTION_COLOUR));
        }
        svg.append(points(report.models().candidate().reliability(), CANDIDATE_COLOUR));
        return svg.append("</svg>\n").toString();
    }

    private static StringBuilder frame(String title, String xLabel, String yLabel) {
        return frame(title, xLabel, yLabel, 1);
    }

    /** Axes over [0, 1] × [0, 1]; the y tick labels show {@code yMaximum} times the position. */
    private static StringBuilder frame(String title, String xLabel, String yLabel, double yMaximum) {
        int size = PLOT + 2 * PAD;
        StringBuilder svg = new StringBuilder();
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(size).append("\" height=\"").append(size)
                .append("\" viewBox=\"0 0 ").append(size).append(' ').append(size).append("\" role=\"img\" aria-label=\"")
                .append(escape(title)).append("\">");
        svg.append("<rect x=\"").append(PAD).append("\" y=\"").append(PAD).append("\" width=\"").append(PLOT).append("\" height=\"")
                .append(PLOT).append("\" fill=\"none\" stroke=\"#888\"/>");
        svg.append(text(PAD + PLOT / 2, PAD - 12, title, "middle"));
        svg.append(text(PAD + PLOT / 2, PAD + PLOT + 30, xLabel, "middle"));
        svg.append("<text x=\"9\" y=\"").append(PAD + PLOT / 2).append("\" font-size=\"12\" text-anchor=\"middle\" transform=\"rotate(-90 9 ")
                .append(PAD + PLOT / 2).append(")\">").append(escape(yLabel)).append("</text>");
        for (int tick = 0; tick <= 4; tick++) {
            double value = tick / 4.0;
            svg.append(text(x(value), PAD + PLOT + 14, number(value, "%.2f"), "middle"));
            svg.append("<text x=\"" + (PAD - 3) + "\" y=\"" + coordinate(y(value) + 4) + "\" font-size=\"9\" text-anchor=\"end\">"
                    + number(value * yMaximum, yMaximum < 0.5 ? "%.3f" : "%.2f") + "</text>");
        }
        return svg;
    }

    private static String polyline(List<double[]> points, String colour) {
        StringBuilder svg = new StringBuilder("<polyline fill=\"none\" stroke-width=\"2\" stroke=\"").append(colour).append("\" points=\"");
        for (double[] point : points) {
            svg.append(coordinate(x(point[0]))).append(',').append(coordinate(y(point[1]))).append(' ');
        }
        return svg.append("\"/>").toString();
    }

    private static String points(List<Report.ReliabilityPoint> reliability, String colour) {
        StringBuilder svg = new StringBuilder();
        StringBuilder path = new StringBuilder();
        for (Report.ReliabilityPoint point : reliability) {
            if (point.meanScore() == null) {
                continue;
            }
            String cx = coordinate(x(point.meanScore()));
            String cy = coordinate(y(point.positiveRate()));
            path.append(cx).append(',').append(cy).append(' ');
            svg.append("<circle cx=\"").append(cx).append("\" cy=\"").append(cy).append("\" r=\"3.5\" fill=\"").append(colour)
                    .append("\"><title>").append(point.count()).append(" rows</title></circle>");
        }
        return "<polyline fill=\"none\" stroke-width=\"1.5\" stroke=\"" + colour + "\" points=\"" + path + "\"/>" + svg;
    }

    private static String bar(double from, double width, double height, String colour) {
        return "<rect x=\"" + coordinate(x(from)) + "\" y=\"" + coordinate(y(height)) + "\" width=\"" + coordinate(width * PLOT)
                + "\" height=\"" + coordinate(height * PLOT) + "\" fill=\"" + colour + "\" fill-opacity=\"0.45\"/>";
    }

    private static String line(double x1, double y1, double x2, double y2, String colour, String dash) {
        return "<line x1=\"" + coordinate(x(x1)) + "\" y1=\"" + coordinate(y(y1)) + "\" x2=\"" + coordinate(x(x2)) + "\" y2=\""
                + coordinate(y(y2)) + "\" stroke=\"" + colour + "\" stroke-dasharray=\"" + dash + "\"/>";
    }

    private static String text(double x, double y, String content, String anchor) {
        return "<text x=\"" + coordinate(x) + "\" y=\"" + coordinate(y) + "\" font-size=\"12\" text-anchor=\"" + anchor + "\">"
                + escape(content) + "</text>";
    }

    private static double x(double value) {
        return PAD + value * PLOT;
    }

    private static double y(double value) {
        return PAD + (1 - value) * PLOT;
    }

    private static String coordinate(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }

    private static String name(Report.ModelReport model) {
        return model.name() + "@" + model.version();
    }

    private static String number(Double value) {
        return number(value, "%.4f");
    }

    private static String number(Double value, String format) {
        return value == null || value.isNaN() ? "n/a" : String.format(Locale.ROOT, format, value);
    }

    static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder escaped = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                case '&' -> escaped.append("&amp;");
                case '"' -> escaped.append("&quot;");
                case '\'' -> escaped.append("&#39;");
                default -> escaped.append(c);
            }
        }
        return escaped.toString();
    }
}
