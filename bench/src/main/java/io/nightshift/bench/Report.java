package io.nightshift.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns the samples of one harness run into medians, ratios against the targets of issue 4, and the table, JSON,
 * SVG chart and docs/BENCHMARKS.md section that report them.
 */
final class Report {

    static final String HISTORY_END = "<!-- bench:history-end -->";
    private static final List<String> MODELS = List.of("lr", "mlp", "heavy");
    private static final Map<String, String> MODEL_NAMES = Map.of("lr", "logistic regression", "mlp", "MLP 30-256-256-1",
            "heavy", "heavy MLP 30-1024³-1");

    /** The summary of one variant over its repetitions. */
    record Stats(String variant, int runs, int failures, double median, double min, double max, long medianRssKb, double medianGcMillis,
            double medianWallSeconds) {
    }

    /** A ratio with its target; {@code atLeast} false means the value must stay at or below the target. */
    record Ratio(String name, double value, double target, boolean atLeast, String how) {
        boolean met() {
            return Double.isFinite(value) && (atLeast ? value >= target : value <= target);
        }
    }

    private final List<Bench.Sample> samples;
    private final long rows;
    private final long heavyRows;
    private final int repeat;
    private final double minutes;
    private final int cores;
    private final Map<String, Stats> stats = new LinkedHashMap<>();
    private final List<Ratio> ratios = new ArrayList<>();
    private final Soak soak;
    private final String date = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm"));

    Report(List<Bench.Sample> samples, long rows, long heavyRows, int repeat, double minutes, int cores, Soak soak) {
        this.samples = List.copyOf(samples);
        this.soak = soak;
        this.rows = rows;
        this.heavyRows = heavyRows;
        this.repeat = repeat;
        this.minutes = minutes;
        this.cores = cores;
        Map<String, List<Bench.Sample>> byVariant = new LinkedHashMap<>();
        for (Bench.Sample sample : samples) {
            byVariant.computeIfAbsent(sample.variant(), ignored -> new ArrayList<>()).add(sample);
        }
        byVariant.forEach((variant, list) -> {
            double[] rates = list.stream().filter(Bench.Sample::ok).mapToDouble(Bench.Sample::rowsPerSecond).sorted().toArray();
            long[] rss = list.stream().mapToLong(Bench.Sample::peakRssKb).sorted().toArray();
            double[] gc = list.stream().mapToDouble(Bench.Sample::gcPauseMillis).sorted().toArray();
            double[] wall = list.stream().mapToDouble(Bench.Sample::wallSeconds).sorted().toArray();
            int failures = (int) list.stream().filter(sample -> !sample.ok()).count();
            stats.put(variant, new Stats(variant, list.size(), failures, median(rates), rates.length == 0 ? 0 : rates[0],
                    rates.length == 0 ? 0 : rates[rates.length - 1], rss[rss.length / 2], median(gc), median(wall)));
        });
        computeRatios();
    }

    private double rate(String variant) {
        Stats stat = stats.get(variant);
        return stat == null || stat.median() == 0 ? Double.NaN : stat.median();
    }

    /** The median over a variant's samples of one of its extra figures, NaN when none has it. */
    private double extra(String variant, String key) {
        double[] values = samples.stream().filter(sample -> sample.variant().equals(variant))
                .map(sample -> sample.extra().get(key)).filter(value -> value instanceof Double).mapToDouble(value -> (Double) value)
                .sorted().toArray();
        return values.length == 0 ? Double.NaN : median(values);
    }

    double combinedCeiling(String model) {
        double compute = rate("2/onnxruntime/" + model);
        double io = rate("3/parquet-java");
        return 1 / (1 / compute + 1 / io);
    }

    private void computeRatios() {
        for (String model : MODELS) {
            ratios.add(new Ratio("Nightshift / combined ceiling, " + model, rate("1/nightshift/" + model) / combinedCeiling(model), 0.90,
                    true, "case 1 / (1 / (1/case 2 + 1/case 3))"));
        }
        for (String model : MODELS) {
            ratios.add(new Ratio("Nightshift score step / combined ceiling, " + model,
                    rate("1/nightshift-score-step/" + model) / combinedCeiling(model), Double.NaN, true,
                    "case 1's score step alone (planning and commit excluded) / combined ceiling (reported, no target)"));
        }
        ratios.add(new Ratio("Nightshift / compute ceiling, heavy (inference efficiency)",
                rate("1/nightshift/heavy") / rate("2/onnxruntime/heavy"), 0.90, true, "case 1 / case 2"));
        ratios.add(new Ratio("Nightshift / IO ceiling, lr (IO efficiency)", rate("1/nightshift/lr") / rate("3/parquet-java"), Double.NaN,
                true, "case 1 / case 3 (reported, no target)"));
        ratios.add(new Ratio("Nightshift / IO ceiling, lr, FLOAT data", rate("1/nightshift-float/lr") / rate("3/parquet-java-float"),
                Double.NaN, true, "case 1 / case 3 on the FLOAT copy of the data (reported, no target)"));
        ratios.add(new Ratio("Nightshift score step / IO ceiling, lr, FLOAT data",
                rate("1/nightshift-score-step-float/lr") / rate("3/parquet-java-float"), Double.NaN, true,
                "case 1's score step alone / case 3, FLOAT data (reported, no target)"));
        ratios.add(new Ratio("Nightshift reader / ceiling's page decoding, read only, DOUBLE", rate("3/read-nightshift")
                / rate("3/read-ceiling"), 0.90, true, "ReadRate nightshift / ReadRate ceiling"));
        ratios.add(new Ratio("Nightshift reader / ceiling's page decoding, read only, FLOAT", rate("3/read-nightshift-float")
                / rate("3/read-ceiling-float"), 0.90, true, "ReadRate nightshift / ReadRate ceiling, FLOAT data"));
        for (String model : MODELS) {
            ratios.add(new Ratio("Nightshift / Spark, " + model, rate("1/nightshift/" + model) / rate("4/spark/" + model), 3.0, true,
                    "case 1 / case 4"));
        }
        for (String model : MODELS) {
            ratios.add(new Ratio("Nightshift (2 threads) / hand pipeline (1 thread), " + model, rate("1/nightshift/" + model)
                    / rate("11/hand-pipeline-1-thread/" + model), 1.25, true, "case 1 / case 11 (\"clearly faster\": 1.25 or more)"));
        }
        for (String model : MODELS) {
            Stats nightshift = stats.get("1/nightshift/" + model);
            Stats hand = stats.get("11/hand-pipeline-1-thread/" + model);
            ratios.add(new Ratio("Peak RSS, Nightshift / hand pipeline, " + model, nightshift == null || hand == null || hand.medianRssKb() == 0
                    ? Double.NaN : (double) nightshift.medianRssKb() / hand.medianRssKb(), 1.30, false, "case 1 / case 11, peak RSS"));
        }
        for (String model : List.of("lr", "mlp")) {
            String variant = "8/batch-overhead/" + model;
            ratios.add(new Ratio("One 1,024-row call, Nightshift's scorer / raw session, " + model, extra(variant, "nightshiftMillisPerBatch")
                    / extra(variant, "rawMillisPerBatch"), Double.NaN, false, "case 8, ms per batch (reported, no target)"));
            ratios.add(new Ratio("One 1,024-row call, DJL fed a float[] / raw session, " + model, extra(variant, "djlFloatArrayMillisPerBatch")
                    / extra(variant, "rawMillisPerBatch"), Double.NaN, false, "case 8, ms per batch (reported, no target)"));
        }
        double fixedCost = extra("10/fixed-cost", "wallSeconds") - extra("10/fixed-cost", "commitSeconds");
        ratios.add(new Ratio("Fixed cost per run, start of ./nightshift score to first scored row (s)", fixedCost, 2.0, false,
                "case 10: wall time of a 1,000-row run minus its commit phase"));
        if (!soak.isEmpty()) {
            ratios.add(new Ratio("Soak: slowest window / median window, rows/s", soak.slowestOverMedian(), 0.90, true,
                    "case 9, " + soak.minutes().size() + " full windows of " + soak.windowSeconds() + " s"));
            ratios.add(new Ratio("Soak: peak RSS, last window / first window", soak.rssLastOverFirst(), 1.10, false, "case 9"));
        }
        ratios.add(new Ratio("Checkpoint cost, commit every 10k vs once", 1 - rate("5/commit-every-10k") / rate("5/commit-once"), 0.03,
                false, "1 - case 5 (10k) / case 5 (once)"));
        for (String heap : List.of("", "-Xmx256m")) {
            Stats smallest = stats.get("6/memory-1M" + heap);
            Stats largest = stats.containsKey("6/memory-20M" + heap) ? stats.get("6/memory-20M" + heap) : stats.get("6/memory-4M" + heap);
            if (smallest != null && largest != null && largest != smallest) {
                String label = largest.variant().substring("6/memory-".length()).replace(heap, "");
                ratios.add(new Ratio("Peak RSS " + label + " / 1M" + (heap.isEmpty() ? " (launcher heap)" : " (" + heap.substring(1) + ")"),
                        (double) largest.medianRssKb() / smallest.medianRssKb(), 1.10, false, "case 6 peak RSS"));
            }
        }
        for (String size : List.of("1M", "4M", "20M")) {
            if (stats.containsKey("6/memory-" + size)) {
                ratios.add(new Ratio("Throughput with -Xmx256m / launcher heap, " + size, rate("6/memory-" + size + "-Xmx256m")
                        / rate("6/memory-" + size), 0.90, true, "case 6 rows/s"));
            }
        }
    }

    String table() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%-34s %5s %14s %14s %14s %10s %10s %8s%n", "case", "runs", "median rows/s", "min", "max",
                "peak RSS", "GC pauses", "wall s"));
        for (Stats stat : stats.values()) {
            out.append(String.format(Locale.ROOT, "%-34s %5s %,14.0f %,14.0f %,14.0f %7d MiB %7.0f ms %8.1f%n", stat.variant(),
                    stat.failures() == 0 ? Integer.toString(stat.runs()) : stat.runs() + "!" + stat.failures(), stat.median(), stat.min(),
                    stat.max(), stat.medianRssKb() / 1024, stat.medianGcMillis(), stat.medianWallSeconds()));
        }
        out.append(String.format(Locale.ROOT, "%n%-34s %,14.0f %,14.0f %,14.0f%n", "combined ceiling (lr/mlp/heavy)", combinedCeiling("lr"),
                combinedCeiling("mlp"), combinedCeiling("heavy")));
        out.append(String.format(Locale.ROOT, "%n%-62s %8s %8s  %s%n", "ratio", "value", "target", ""));
        for (Ratio ratio : ratios) {
            out.append(String.format(Locale.ROOT, "%-62s %8.3f %8s  %s%n", ratio.name(), ratio.value(), targetText(ratio),
                    Double.isNaN(ratio.value()) ? "not measured" : Double.isNaN(ratio.target()) ? "" : ratio.met() ? "met" : "SHORT"));
        }
        for (Bench.Sample sample : samples) {
            if (!sample.extra().isEmpty()) {
                out.append(String.format(Locale.ROOT, "%n%s: %s%n", sample.variant(), sample.extra()));
            }
        }
        if (!soak.isEmpty()) {
            out.append("\nsoak, per window:\n").append(soak.markdownTable());
        }
        return out.toString();
    }

    private static String targetText(Ratio ratio) {
        if (Double.isNaN(ratio.target())) {
            return "-";
        }
        return (ratio.atLeast() ? "≥ " : "≤ ") + String.format(Locale.ROOT, "%.2f", ratio.target());
    }

    String json() {
        StringBuilder out = new StringBuilder("{\n");
        out.append("  \"date\": \"").append(date).append("\",\n");
        out.append("  \"machine\": ").append(quote(Machine.describe())).append(",\n");
        out.append("  \"rows\": ").append(rows).append(", \"heavyRows\": ").append(heavyRows).append(", \"repeat\": ").append(repeat)
                .append(", \"batchSize\": ").append(Bench.BATCH_SIZE).append(", \"minutes\": ").append(num(minutes)).append(",\n");
        out.append("  \"stats\": [\n");
        List<String> entries = new ArrayList<>();
        for (Stats stat : stats.values()) {
            entries.add(String.format(Locale.ROOT, "    {\"variant\": %s, \"runs\": %d, \"failures\": %d, \"medianRowsPerSecond\": %s, "
                    + "\"minRowsPerSecond\": %s, \"maxRowsPerSecond\": %s, \"medianPeakRssKb\": %d, \"medianGcPauseMillis\": %s, "
                    + "\"medianWallSeconds\": %s}", quote(stat.variant()), stat.runs(), stat.failures(), num(stat.median()), num(stat.min()),
                    num(stat.max()), stat.medianRssKb(), num(stat.medianGcMillis()), num(stat.medianWallSeconds())));
        }
        out.append(String.join(",\n", entries)).append("\n  ],\n  \"ratios\": [\n");
        entries.clear();
        for (Ratio ratio : ratios) {
            entries.add(String.format(Locale.ROOT, "    {\"name\": %s, \"value\": %s, \"target\": %s, \"atLeast\": %s, \"met\": %s}",
                    quote(ratio.name()), num(ratio.value()), num(ratio.target()), ratio.atLeast(), ratio.met()));
        }
        out.append(String.join(",\n", entries)).append("\n  ],\n  \"soak\": ").append(soak.json()).append(",\n  \"samples\": [\n");
        entries.clear();
        for (Bench.Sample sample : samples) {
            StringBuilder extra = new StringBuilder();
            sample.extra().forEach((key, value) -> extra.append(", ").append(quote(key)).append(": ")
                    .append(value instanceof Number number ? num(number.doubleValue()) : quote(String.valueOf(value))));
            entries.add(String.format(Locale.ROOT, "    {\"variant\": %s, \"repetition\": %d, \"rows\": %d, \"seconds\": %s, "
                    + "\"rowsPerSecond\": %s, \"wallSeconds\": %s, \"peakRssKb\": %d, \"gcPauseMillis\": %s, \"exitCode\": %d%s}",
                    quote(sample.variant()), sample.repetition(), sample.rows(), num(sample.seconds()), num(sample.rowsPerSecond()),
                    num(sample.wallSeconds()), sample.peakRssKb(), num(sample.gcPauseMillis()), sample.exitCode(), extra));
        }
        return out.append(String.join(",\n", entries)).append("\n  ]\n}\n").toString();
    }

    /** Three panels (one per model), bars in rows/s on each panel's own linear scale. */
    String svg() {
        int panelWidth = 300;
        int barHeight = 22;
        int gap = 8;
        String[][] bars = {{"Nightshift", "1/nightshift/", "#1f77b4"}, {"combined ceiling", "combined", "#7f7f7f"},
            {"ONNX Runtime (compute)", "2/onnxruntime/", "#2ca02c"}, {"parquet-java (IO)", "3/parquet-java", "#9467bd"},
            {"Spark local[*]", "4/spark/", "#d62728"}};
        int height = 70 + bars.length * (barHeight + gap) + 40;
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "font-family=\"sans-serif\" font-size=\"11\">%n", panelWidth * 3 + 40, height));
        svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        svg.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"18\" font-size=\"14\" font-weight=\"bold\">Nightshift benchmark %s: "
                + "median rows/s (%,d rows; heavy MLP %,d rows; %d cores)</text>%n", date, rows, heavyRows, cores));
        for (int panel = 0; panel < MODELS.size(); panel++) {
            String model = MODELS.get(panel);
            int x0 = 10 + panel * (panelWidth + 10);
            double[] values = new double[bars.length];
            for (int bar = 0; bar < bars.length; bar++) {
                String key = bars[bar][1];
                values[bar] = key.equals("combined") ? combinedCeiling(model) : key.endsWith("/") ? rate(key + model) : rate(key);
            }
            // Scaled to the pipelines (Nightshift, combined ceiling, Spark), not to the single ceilings: a cheap model's
            // inference-only rate is tens of times higher and would flatten every other bar; a bar beyond the scale is
            // drawn full width and marked.
            double max = 1;
            for (int bar = 0; bar < bars.length; bar++) {
                if (!bars[bar][1].startsWith("2/") && !bars[bar][1].startsWith("3/") && Double.isFinite(values[bar])) {
                    max = Math.max(max, values[bar]);
                }
            }
            max *= 1.15;
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"45\" font-size=\"12\" font-weight=\"bold\">%s</text>%n", x0,
                    MODEL_NAMES.get(model)));
            for (int bar = 0; bar < bars.length; bar++) {
                int y = 58 + bar * (barHeight + gap);
                double value = values[bar];
                boolean offScale = Double.isFinite(value) && value > max;
                int width = Double.isFinite(value) ? (int) Math.round((panelWidth - 20) * Math.min(value, max) / max) : 0;
                svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>%n", x0, y,
                        Math.max(1, width), barHeight, bars[bar][2]));
                svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"%s\">%s: %s</text>%n", x0 + 4, y + 15,
                        width > 200 ? "white" : "black", bars[bar][0], (Double.isFinite(value) ? String.format(Locale.ROOT, "%,.0f", value) : "n/a")
                                + (offScale ? " (off scale)" : "")));
            }
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"%d\" fill=\"#555\">combined ceiling = 1/(1/compute + 1/IO); "
                + "Nightshift and the ceilings exclude JVM start-up, Spark excludes SparkSession start-up; %s</text>%n", height - 12,
                escape(Machine.shortDescription())));
        return svg.append("</svg>\n").toString();
    }

    /** Appends this run to docs/BENCHMARKS.md: a row in the history table and a dated section with the tables. */
    void appendTo(Path markdown) throws IOException {
        String text = Files.exists(markdown) ? Files.readString(markdown) : "# Benchmarks\n\n## History\n\n" + HISTORY_HEADER + HISTORY_END + "\n";
        String row = String.format(Locale.ROOT, "| %s | %,d | %s | %s | %s | %s | %s | %s | %s | %s |%n", date, rows, Machine.shortDescription(),
                fmt(rate("1/nightshift/lr")), fmt(rate("1/nightshift/mlp")), fmt(rate("1/nightshift/heavy")),
                ratioText("Nightshift / combined ceiling, lr"), ratioText("Nightshift / compute ceiling, heavy (inference efficiency)"),
                ratioText("Nightshift / Spark, lr"), ratioText("Checkpoint cost, commit every 10k vs once"));
        if (!text.contains(HISTORY_END)) {
            text = text + "\n## History\n\n" + HISTORY_HEADER + HISTORY_END + "\n";
        }
        text = text.replace(HISTORY_END, row + HISTORY_END);
        StringBuilder section = new StringBuilder();
        section.append("\n### Run of ").append(date).append("\n\n");
        section.append("Machine: ").append(Machine.describe()).append(".  \n");
        section.append(String.format(Locale.ROOT, "%,d rows (heavy MLP: %,d rows), batch %d, %d repetition(s) interleaved, %.1f minutes.%n%n",
                rows, heavyRows, Bench.BATCH_SIZE, repeat, minutes));
        section.append("| case | runs | median rows/s | min | max | peak RSS | GC pauses | wall s |\n|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Stats stat : stats.values()) {
            section.append(String.format(Locale.ROOT, "| %s | %d%s | %,.0f | %,.0f | %,.0f | %d MiB | %.0f ms | %.1f |%n", stat.variant(),
                    stat.runs(), stat.failures() == 0 ? "" : " (" + stat.failures() + " failed)", stat.median(), stat.min(), stat.max(),
                    stat.medianRssKb() / 1024, stat.medianGcMillis(), stat.medianWallSeconds()));
        }
        section.append(String.format(Locale.ROOT, "%nCombined ceiling 1/(1/compute + 1/IO): lr %,.0f, mlp %,.0f, heavy %,.0f rows/s.%n%n",
                combinedCeiling("lr"), combinedCeiling("mlp"), combinedCeiling("heavy")));
        section.append("| ratio | value | target | |\n|---|---:|---:|---|\n");
        for (Ratio ratio : ratios) {
            section.append(String.format(Locale.ROOT, "| %s | %.3f | %s | %s |%n", ratio.name(), ratio.value(), targetText(ratio),
                    Double.isNaN(ratio.value()) ? "not measured" : Double.isNaN(ratio.target()) ? "" : ratio.met() ? "met" : "**short**"));
        }
        for (Bench.Sample sample : samples) {
            if (!sample.extra().isEmpty()) {
                section.append(String.format(Locale.ROOT, "%n%s: %s%n", sample.variant(), sample.extra()));
            }
        }
        if (!soak.isEmpty()) {
            section.append("\nSoak (case 9), per window of the run (chart: soak.svg):\n\n").append(soak.markdownTable());
        }
        Files.writeString(markdown, text.stripTrailing() + "\n" + section);
    }

    private static final String HISTORY_HEADER = "| date | rows | machine | Nightshift lr rows/s | mlp rows/s | heavy rows/s "
            + "| lr / combined ceiling | heavy / compute ceiling | lr / Spark | checkpoint cost |\n|---|---:|---|---:|---:|---:|---:|---:|---:|---:|\n";

    private String ratioText(String name) {
        return ratios.stream().filter(ratio -> ratio.name().equals(name)).findFirst()
                .map(ratio -> String.format(Locale.ROOT, "%.2f", ratio.value())).orElse("-");
    }

    private static String fmt(double value) {
        return Double.isFinite(value) ? String.format(Locale.ROOT, "%,.0f", value) : "-";
    }

    private static double median(double[] sorted) {
        if (sorted.length == 0) {
            return 0;
        }
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static String num(double value) {
        return Double.isFinite(value) ? String.format(Locale.ROOT, "%.3f", value) : "null";
    }

    private static String quote(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static String escape(String value) {
        return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
