package io.nightshift.bench;

import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The soak (case 9): one long run, its rows/s window by window from the run's own progress lines (logged every 5 s
 * when not on a terminal: {@code HH:mm:ss.SSS ... 12,345,678/50,000,000 rows ...}) and its peak RSS per window from
 * the harness's once-a-second samples. Windows are minutes for a run of 10 minutes or more, else 10 s (a 50M-row run
 * lasts about a minute and a half on 2 cores). Flat means the slowest full window is within 10 % of the median one
 * and RSS in the last window is within 10 % of RSS in the first.
 */
final class Soak {

    private static final Pattern PROGRESS = Pattern.compile("(?m)^(\\d\\d:\\d\\d:\\d\\d\\.\\d{3}) .*?([0-9,]+)/([0-9,]+) rows");

    /** One window of the run ({@code minute} counts windows from 1), counted from its first progress line. */
    record Minute(int minute, double rowsPerSecond, double maxRssMiB) {
    }

    private final List<Minute> minutes;
    private final int windowSeconds;

    private Soak(List<Minute> minutes, int windowSeconds) {
        this.minutes = List.copyOf(minutes);
        this.windowSeconds = windowSeconds;
    }

    static Soak empty() {
        return new Soak(List.of(), 60);
    }

    int windowSeconds() {
        return windowSeconds;
    }

    /**
     * From a finished run: its output (progress lines) and its RSS timeline (seconds since the child started, KiB);
     * {@code started} is the wall-clock time the child was started at, which the log's timestamps are compared with.
     */
    static Soak of(String output, List<double[]> rssTimeline, LocalTime started) {
        List<double[]> progress = new ArrayList<>(); // (seconds since the child started, rows done)
        Matcher matcher = PROGRESS.matcher(output);
        double dayOffset = 0;
        double previous = -1;
        while (matcher.find()) {
            double seconds = started.until(LocalTime.parse(matcher.group(1)), ChronoUnit.MILLIS) / 1000.0 + dayOffset;
            if (previous >= 0 && seconds < previous - 3600) {
                dayOffset += 86_400; // past midnight
                seconds += 86_400;
            }
            previous = seconds;
            progress.add(new double[] {seconds, Long.parseLong(matcher.group(2).replace(",", ""))});
        }
        if (progress.size() < 2) {
            return empty();
        }
        double first = progress.getFirst()[0];
        double last = progress.getLast()[0];
        int window = last - first >= 600 ? 60 : 10;
        List<Minute> minutes = new ArrayList<>();
        for (int minute = 1; first + (double) window * (minute - 1) < last; minute++) {
            double from = first + (double) window * (minute - 1);
            double to = Math.min(last, first + (double) window * minute);
            if (to - from < window / 2.0) {
                break; // a last partial window too short to say anything
            }
            double rate = (rowsAt(progress, to) - rowsAt(progress, from)) / (to - from);
            double rss = 0;
            for (double[] sample : rssTimeline) {
                if (sample[0] >= from && sample[0] <= to) {
                    rss = Math.max(rss, sample[1] / 1024);
                }
            }
            minutes.add(new Minute(minute, rate, rss));
        }
        return new Soak(minutes, window);
    }

    /** Rows done at a time, interpolated between the progress lines around it. */
    private static double rowsAt(List<double[]> progress, double seconds) {
        for (int i = 1; i < progress.size(); i++) {
            double[] before = progress.get(i - 1);
            double[] after = progress.get(i);
            if (seconds <= after[0]) {
                double span = after[0] - before[0];
                return span <= 0 ? after[1] : before[1] + (after[1] - before[1]) * (seconds - before[0]) / span;
            }
        }
        return progress.getLast()[1];
    }

    List<Minute> minutes() {
        return minutes;
    }

    boolean isEmpty() {
        return minutes.isEmpty();
    }

    /** The slowest full minute's rows/s over the median minute's. */
    double slowestOverMedian() {
        if (minutes.isEmpty()) {
            return Double.NaN;
        }
        double[] rates = minutes.stream().mapToDouble(Minute::rowsPerSecond).sorted().toArray();
        return rates[0] / rates[rates.length / 2];
    }

    /** Peak RSS in the last minute over peak RSS in the first. */
    double rssLastOverFirst() {
        if (minutes.size() < 2 || minutes.getFirst().maxRssMiB() == 0) {
            return Double.NaN;
        }
        return minutes.getLast().maxRssMiB() / minutes.getFirst().maxRssMiB();
    }

    String markdownTable() {
        String unit = windowSeconds == 60 ? "minute" : windowSeconds + " s window";
        StringBuilder table = new StringBuilder("| " + unit + " | rows/s | peak RSS in it |\n|---:|---:|---:|\n");
        for (Minute minute : minutes) {
            table.append(String.format(Locale.ROOT, "| %d | %,.0f | %,.0f MiB |%n", minute.minute(), minute.rowsPerSecond(),
                    minute.maxRssMiB()));
        }
        return table.toString();
    }

    String json() {
        List<String> entries = new ArrayList<>();
        for (Minute minute : minutes) {
            entries.add(String.format(Locale.ROOT, "{\"minute\": %d, \"rowsPerSecond\": %.1f, \"maxRssMiB\": %.1f}", minute.minute(),
                    minute.rowsPerSecond(), minute.maxRssMiB()));
        }
        return "[" + String.join(", ", entries) + "]";
    }

    /** Rows/s (blue) and RSS (orange) per minute, each on its own axis from zero. */
    String svg() {
        int width = 640;
        int height = 260;
        int left = 60;
        int right = 60;
        int top = 30;
        int bottom = 40;
        double maxRate = minutes.stream().mapToDouble(Minute::rowsPerSecond).max().orElse(1) * 1.1;
        double maxRss = minutes.stream().mapToDouble(Minute::maxRssMiB).max().orElse(1) * 1.1;
        int count = Math.max(2, minutes.size());
        StringBuilder svg = new StringBuilder(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"11\">%n"
                        + "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>%n"
                        + "<text x=\"%d\" y=\"18\" font-size=\"13\">Soak: rows/s (blue) and peak RSS (orange) per %s</text>%n", width, height, left,
                windowSeconds == 60 ? "minute" : windowSeconds + " s"));
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#888\"/>%n", left, height - bottom,
                width - right, height - bottom));
        StringBuilder rates = new StringBuilder();
        StringBuilder rss = new StringBuilder();
        for (int i = 0; i < minutes.size(); i++) {
            double x = left + (width - left - right) * (double) i / (count - 1);
            Minute minute = minutes.get(i);
            rates.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, height - bottom - (height - top - bottom) * minute.rowsPerSecond() / maxRate));
            rss.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, height - bottom - (height - top - bottom) * minute.maxRssMiB() / maxRss));
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d</text>%n", x, height - bottom + 14,
                    minute.minute()));
        }
        svg.append(String.format(Locale.ROOT, "<polyline points=\"%s\" fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"2\"/>%n", rates));
        svg.append(String.format(Locale.ROOT, "<polyline points=\"%s\" fill=\"none\" stroke=\"#ff7f0e\" stroke-width=\"2\"/>%n", rss));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"#1f77b4\">%,.0f rows/s</text>%n", 4, top + 4, maxRate));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"#ff7f0e\" text-anchor=\"end\">%,.0f MiB</text>%n", width - 4,
                top + 4, maxRss));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">window of the run</text>%n", width / 2,
                height - 8));
        svg.append("</svg>\n");
        return svg.toString();
    }

    @Override
    public String toString() {
        return Arrays.toString(minutes.toArray());
    }
}
