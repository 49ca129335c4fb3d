package io.nightshift.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.LocalInputFile;

/**
 * The benchmark harness (issue 4): Nightshift end to end against the ONNX Runtime and Parquet ceilings and against
 * Spark, plus checkpoint cost, memory and resume, each case in its own JVM, repetitions interleaved. Run through
 * {@code bench/run.sh}, which builds everything and passes the paths this class needs.
 *
 * <p>Options: {@code --rows N} (default 2,000,000), {@code --repeat K} (3), {@code --cases 1,2,...} (all),
 * {@code --rows-large} (adds case 6 at 10,000,000 rows), {@code --soak} and {@code --soak-rows N} (adds case 9, a
 * 50M-row run's rows/s and RSS per minute), {@code --no-docs} (do not touch docs/), {@code --device gpu}
 * (Nightshift and the compute ceiling on CUDA; Spark and the IO ceiling stay on the CPU).
 */
public final class Bench {

    static final int BATCH_SIZE = 4096;
    /**
     * The heavy MLP scores 2 of the 8 files (rows / 4): its inference alone would take most of the time budget at full
     * size, and one file (3 row groups, so 3 partitions on 2 threads) would measure partition imbalance, not inference.
     */
    static final int HEAVY_FILES = 2;
    private static final Pattern SUMMARY = Pattern.compile("run (\\d+) execution \\d+: (\\w+) in ([0-9.]+) s");
    private static final Pattern ROWS_READ = Pattern.compile("rows read\\s+([0-9,]+)");
    /** The summary's throughput: rows/s over the rows this execution scored or rejected. */
    private static final Pattern THROUGHPUT = Pattern.compile("throughput\\s+([0-9,]+) rows/s \\(([0-9,]+) rows this execution");
    /** The launcher's default heap (./nightshift, NIGHTSHIFT_HEAP). */
    private static final List<String> LAUNCHER_HEAP = List.of("-XX:MaxRAMPercentage=25");
    private static final Pattern SCORE_PHASE = Pattern.compile("phases .*\\bscore ([0-9.]+) s");
    private static final Pattern RUN_STARTED = Pattern.compile("Run (\\d+) started");
    /** Status's rows of a run: in checkpoints (scored or rejected), or in its committed manifest. */
    private static final Pattern COMMITTED = Pattern.compile("rows\\s+([0-9,]+) / ([0-9,]+) (?:committed|scored or rejected)");
    private static final Pattern RESULT = Pattern.compile("BENCH_RESULT \\{\"rows\": (\\d+), \"seconds\": ([0-9.]+)");
    private static final List<String> NIGHTSHIFT_FLAGS = List.of("--enable-native-access=ALL-UNNAMED",
            "--sun-misc-unsafe-memory-access=allow", "-Dai.djl.offline=true");
    /** What Spark's launcher adds on Java 17 (JavaModuleOptions); plain {@code java -cp} must add it itself. */
    private static final List<String> SPARK_FLAGS = List.of("-XX:+IgnoreUnrecognizedVMOptions",
            "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED", "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED",
            "--add-opens=java.base/sun.security.action=ALL-UNNAMED", "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED",
            "-Djdk.reflect.useDirectMethodHandle=false", "-Dio.netty.tryReflectionSetAccessible=true");

    /** One measurement of one variant of a case. */
    record Sample(String variant, int caseNumber, int repetition, long rows, double seconds, double wallSeconds, long peakRssKb,
            double gcPauseMillis, int exitCode, Map<String, Object> extra) {

        double rowsPerSecond() {
            return seconds > 0 ? rows / seconds : 0;
        }

        boolean ok() {
            return exitCode == 0 && rows > 0;
        }
    }

    private final Path root;
    private final Path work;
    private final Path jar;
    private final String java;
    private final String sparkJava;
    private final String benchClasspath;
    private final String sparkClasspath;
    private final long rows;
    private final int repeat;
    private final Set<Integer> cases;
    private final long soakRows;
    private Soak soak = Soak.empty();
    private final boolean rowsLarge;
    private final boolean updateDocs;
    private final String device;
    private final int cores = Runtime.getRuntime().availableProcessors();
    private final List<Sample> samples = new ArrayList<>();

    private Path mainData;
    /** The same rows as {@link #mainData} with FLOAT features: the IO ceiling and the logistic regression run on both. */
    private Path floatData;
    private Path heavyInput;
    private Path largeData;
    private List<BenchData.Model> models;

    private Bench(Map<String, String> options) throws IOException {
        root = Path.of(options.getOrDefault("root", ".")).toAbsolutePath().normalize();
        work = root.resolve(options.getOrDefault("work", "target/bench"));
        jar = root.resolve("target/nightshift.jar");
        java = ProcessHandle.current().info().command().orElse("java");
        sparkJava = options.getOrDefault("spark-java", "/usr/lib/jvm/java-17-openjdk-amd64/bin/java");
        benchClasspath = Files.readString(root.resolve(options.get("bench-classpath"))).trim();
        sparkClasspath = options.containsKey("spark-classpath") ? Files.readString(root.resolve(options.get("spark-classpath"))).trim() : null;
        rows = Long.parseLong(options.getOrDefault("rows", "2000000").replace("_", ""));
        repeat = Integer.parseInt(options.getOrDefault("repeat", "3"));
        cases = new HashSet<>();
        for (String number : options.getOrDefault("cases", "1,2,3,4,5,6,7,8,10,11").split(",")) {
            cases.add(Integer.parseInt(number.trim()));
        }
        rowsLarge = options.containsKey("rows-large");
        if (options.containsKey("soak")) {
            cases.add(9);
        }
        soakRows = Long.parseLong(options.getOrDefault("soak-rows", "50000000").replace("_", ""));
        updateDocs = !options.containsKey("no-docs");
        device = options.getOrDefault("device", "cpu");
    }

    public static void main(String[] arguments) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < arguments.length; i++) {
            String name = arguments[i].replaceFirst("^--", "");
            boolean flag = i + 1 >= arguments.length || arguments[i + 1].startsWith("--");
            options.put(name, flag ? "true" : arguments[++i]);
        }
        new Bench(options).run();
    }

    private void run() throws Exception {
        long started = System.nanoTime();
        log("preparing data: %,d rows in %d files (row groups of %,d rows), models", rows, BenchData.FILES, BenchData.ROW_GROUP_ROWS);
        mainData = BenchData.dataset(work.resolve("data-" + rows), rows, false);
        floatData = BenchData.dataset(work.resolve("data-float-" + rows), rows, true);
        heavyInput = BenchData.linked(mainData, work.resolve("input-heavy"), HEAVY_FILES);
        if (rowsLarge && cases.contains(6)) {
            log("preparing data: 10,000,000 rows for case 6");
            largeData = BenchData.dataset(work.resolve("data-10000000"), 10_000_000, false);
        }
        models = BenchData.models(work.resolve("models"));
        log("data ready in %.0f s", (System.nanoTime() - started) / 1e9);
        for (int repetition = 1; repetition <= repeat; repetition++) {
            log("repetition %d of %d", repetition, repeat);
            // Interleaved: every variant once per repetition, so drift on this shared machine hits all of them alike.
            for (BenchData.Model model : models) {
                Path input = input(model);
                long modelRows = rowsIn(model);
                if (cases.contains(1)) {
                    scoringRun("", model, input, repetition);
                    if (model == models.getFirst()) {
                        scoringRun("-float", model, BenchData.files(floatData), repetition);
                    }
                }
                if (cases.contains(2)) {
                    samples.add(computeCeiling(model, modelRows, repetition));
                }
                if (cases.contains(4) && sparkClasspath != null) {
                    samples.add(spark(model, input, repetition));
                }
                if (cases.contains(11)) {
                    samples.add(handPipeline(model, input, repetition));
                }
            }
            if (cases.contains(3)) {
                samples.add(ioCeiling("3/parquet-java", mainData, repetition));
                samples.add(ioCeiling("3/parquet-java-float", floatData, repetition));
                for (String mode : List.of("ceiling", "nightshift")) {
                    samples.add(readRate("3/read-" + mode, mainData, mode, repetition));
                    samples.add(readRate("3/read-" + mode + "-float", floatData, mode, repetition));
                }
            }
            BenchData.Model logistic = models.getFirst();
            if (cases.contains(5)) {
                samples.add(nightshift("5/commit-every-10k", 5, repetition, logistic, BenchData.files(mainData),
                        List.of("--commit-interval", "10000"), List.of()));
                samples.add(nightshift("5/commit-once", 5, repetition, logistic, BenchData.files(mainData),
                        List.of("--commit-interval", Long.toString(Math.min(Integer.MAX_VALUE, rows * 2))), List.of()));
            }
            if (cases.contains(6) && repetition == 1) {
                // Memory is a property of the code, not of the noise: one pass is enough. 1M and 4M rows (and 20M with
                // --rows-large) as hard links to the generated files, each with the heap the ./nightshift launcher
                // gives scoring commands (at most a quarter of the machine, grown as needed) and with a 256 MB cap.
                List<Long> sizes = new ArrayList<>(List.of(1_000_000L, 4_000_000L));
                if (largeData != null) {
                    sizes.add(20_000_000L);
                }
                for (long size : sizes) {
                    Path source = size > rows && largeData != null ? largeData : mainData;
                    long perFile = (size > rows && largeData != null ? 10_000_000L : rows) / BenchData.FILES;
                    Path sized = BenchData.linked(source, work.resolve("input-" + label(size)), (int) Math.max(1, size / perFile));
                    samples.add(nightshift("6/memory-" + label(size), 6, repetition, logistic, sized, List.of(), LAUNCHER_HEAP));
                    samples.add(nightshift("6/memory-" + label(size) + "-Xmx256m", 6, repetition, logistic, sized, List.of(),
                            List.of("-Xmx256m")));
                }
            }
            if (cases.contains(7) && repetition == 1) {
                samples.add(resume(logistic));
            }
            if (cases.contains(10)) {
                samples.add(fixedCost(logistic, repetition));
            }
            if (cases.contains(9) && repetition == 1) {
                samples.add(soak(models.get(1)));
            }
            if (cases.contains(8)) {
                for (BenchData.Model model : models.subList(0, 2)) {
                    samples.add(batchOverhead(model, repetition));
                }
            }
        }
        double minutes = (System.nanoTime() - started) / 60e9;
        Report report = new Report(samples, rows, rowsIn(models.getLast()), repeat, minutes, cores, soak);
        String timestamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path results = root.resolve("bench/results");
        Files.createDirectories(results);
        Files.writeString(results.resolve(timestamp + ".json"), report.json());
        Files.writeString(results.resolve(timestamp + ".svg"), report.svg());
        if (!soak.isEmpty()) {
            Files.writeString(results.resolve(timestamp + "-soak.svg"), soak.svg());
        }
        System.out.println();
        System.out.println(report.table());
        log("wrote bench/results/%s.json and .svg", timestamp);
        if (updateDocs) {
            Files.createDirectories(root.resolve("docs"));
            Files.writeString(root.resolve("docs/benchmarks.svg"), report.svg());
            if (!soak.isEmpty()) {
                Files.writeString(root.resolve("docs/soak.svg"), soak.svg());
            }
            report.appendTo(root.resolve("docs/BENCHMARKS.md"));
            log("appended the run to docs/BENCHMARKS.md and replaced docs/benchmarks.svg");
        }
        log("total %.1f minutes", minutes);
    }

    /** Case 1 on one input: the whole run and, as a second sample, the same run's score step alone. */
    private void scoringRun(String dataSuffix, BenchData.Model model, Path input, int repetition) throws IOException, InterruptedException {
        Sample run = nightshift("1/nightshift" + dataSuffix + "/" + model.name(), 1, repetition, model, input, List.of(), List.of());
        samples.add(run);
        if (run.extra().get("scoreSeconds") instanceof Double scoreSeconds) {
            // The same run's score step alone: planning (model load, test inference, footers) and the
            // manifest commit are a fixed cost per run that a short benchmark run magnifies.
            samples.add(new Sample("1/nightshift-score-step" + dataSuffix + "/" + model.name(), 1, repetition, run.rows(), scoreSeconds,
                    run.wallSeconds(), run.peakRssKb(), run.gcPauseMillis(), run.exitCode(), Map.of()));
        }
    }

    private Path input(BenchData.Model model) {
        return model.name().equals("heavy") ? heavyInput : BenchData.files(mainData);
    }

    private long rowsIn(BenchData.Model model) {
        return rows / BenchData.FILES * (model.name().equals("heavy") ? HEAVY_FILES : BenchData.FILES);
    }

    private Sample nightshift(String variant, int caseNumber, int repetition, BenchData.Model model, Path input,
            List<String> scoreOptions, List<String> jvmOptions) throws IOException, InterruptedException {
        String slug = variant.replace('/', '_') + "-r" + repetition;
        Path home = work.resolve("home/" + slug);
        Path output = work.resolve("out/" + slug);
        BenchData.deleteRecursively(home);
        BenchData.deleteRecursively(output);
        List<String> jvm = new ArrayList<>(NIGHTSHIFT_FLAGS);
        jvm.addAll(jvmOptions);
        String extraJvm = System.getenv("BENCH_NIGHTSHIFT_JAVA_OPTS");
        if (extraJvm != null && !extraJvm.isBlank()) {
            jvm.addAll(List.of(extraJvm.trim().replace("{case}", slug).split("\\s+")));
        }
        jvm.add("-jar");
        jvm.add(jar.toString());
        List<String> arguments = new ArrayList<>(List.of("score", "--model", model.file().toString(), "--input", input.toString(),
                "--output", output.toString(), "--id-column", BenchData.ID_COLUMN, "--feature-prefix", BenchData.FEATURE_PREFIX,
                "--batch-size", Integer.toString(BATCH_SIZE), "--device", device));
        arguments.addAll(scoreOptions);
        log("  %-32s ...", variant);
        ChildProcess child = ChildProcess.start(java, jvm, arguments, Map.of("NIGHTSHIFT_HOME", home.toString()),
                work.resolve("logs/" + slug + ".log"));
        ChildProcess.Outcome outcome = child.await(3600);
        Sample sample = nightshiftSample(variant, caseNumber, repetition, outcome, Map.of());
        report(sample);
        BenchData.deleteRecursively(output);
        return sample;
    }

    private static Sample nightshiftSample(String variant, int caseNumber, int repetition, ChildProcess.Outcome outcome,
            Map<String, Object> extra) {
        Matcher summary = SUMMARY.matcher(outcome.output());
        Matcher read = ROWS_READ.matcher(outcome.output());
        double seconds = 0;
        long rowsRead = 0;
        boolean completed = false;
        while (summary.find()) {
            seconds = Double.parseDouble(summary.group(3));
            completed = summary.group(2).equals("COMPLETED");
        }
        while (read.find()) {
            rowsRead = Long.parseLong(read.group(1).replace(",", ""));
        }
        // The summary's seconds have one decimal; its throughput comes from milliseconds: use it for the precise time.
        Matcher throughput = THROUGHPUT.matcher(outcome.output());
        while (throughput.find()) {
            long rowsPerSecond = Long.parseLong(throughput.group(1).replace(",", ""));
            long rowsThisExecution = Long.parseLong(throughput.group(2).replace(",", ""));
            if (rowsPerSecond > 0 && rowsThisExecution > 0) {
                seconds = (double) rowsThisExecution / rowsPerSecond;
            }
        }
        int exitCode = completed ? outcome.exitCode() : (outcome.exitCode() == 0 ? 1 : outcome.exitCode());
        Map<String, Object> details = new java.util.HashMap<>(extra);
        Matcher scorePhase = SCORE_PHASE.matcher(outcome.output());
        while (scorePhase.find()) {
            details.put("scoreSeconds", Double.parseDouble(scorePhase.group(1)));
        }
        return new Sample(variant, caseNumber, repetition, rowsRead, seconds, outcome.wallSeconds(), outcome.peakRssKb(),
                outcome.gcPauseMillis(), exitCode, Map.copyOf(details));
    }

    private Sample computeCeiling(BenchData.Model model, long modelRows, int repetition) throws IOException, InterruptedException {
        String variant = "2/onnxruntime/" + model.name();
        List<String> jvm = new ArrayList<>(NIGHTSHIFT_FLAGS);
        jvm.addAll(List.of("-cp", benchClasspath));
        log("  %-32s ...", variant);
        ChildProcess child = ChildProcess.start(java, jvm, List.of(ComputeCeiling.class.getName(), model.file().toString(),
                Long.toString(modelRows), Integer.toString(BATCH_SIZE), Integer.toString(cores), device), Map.of(),
                work.resolve("logs/" + variant.replace('/', '_') + "-r" + repetition + ".log"));
        return resultSample(variant, 2, repetition, child.await(3600));
    }

    private Sample ioCeiling(String variant, Path data, int repetition) throws IOException, InterruptedException {
        return ioCeilingProcess(variant, 3, repetition, BenchData.files(data), Integer.toString(cores));
    }

    /** Case 11: the hand pipeline, one thread reading, scoring through a plain ONNX Runtime session and writing. */
    private Sample handPipeline(BenchData.Model model, Path input, int repetition) throws IOException, InterruptedException {
        return ioCeilingProcess("11/hand-pipeline-1-thread/" + model.name(), 11, repetition, input, "1", model.file().toString());
    }

    /** {@link IoCeiling} in its own JVM on {@code input} with {@code threads} (and a model, for case 11); output removed. */
    private Sample ioCeilingProcess(String variant, int caseNumber, int repetition, Path input, String... threadsAndModel)
            throws IOException, InterruptedException {
        String slug = variant.replace('/', '_') + "-r" + repetition;
        Path output = work.resolve("out/" + slug);
        BenchData.deleteRecursively(output);
        List<String> jvm = new ArrayList<>(NIGHTSHIFT_FLAGS);
        jvm.addAll(List.of("-cp", benchClasspath));
        List<String> arguments = new ArrayList<>(List.of(IoCeiling.class.getName(), input.toString(), output.toString()));
        arguments.addAll(List.of(threadsAndModel));
        log("  %-32s ...", variant);
        ChildProcess child = ChildProcess.start(java, jvm, arguments, Map.of(), work.resolve("logs/" + slug + ".log"));
        Sample sample = resultSample(variant, caseNumber, repetition, child.await(3600));
        BenchData.deleteRecursively(output);
        return sample;
    }

    /** Case 3's read half alone ({@link ReadRate}): the ceiling's page decoding, or Nightshift's reader. */
    private Sample readRate(String variant, Path data, String mode, int repetition) throws IOException, InterruptedException {
        List<String> jvm = new ArrayList<>(NIGHTSHIFT_FLAGS);
        jvm.addAll(List.of("-cp", benchClasspath));
        log("  %-32s ...", variant);
        ChildProcess child = ChildProcess.start(java, jvm, List.of(ReadRate.class.getName(), BenchData.files(data).toString(),
                Integer.toString(cores), mode), Map.of(), work.resolve("logs/" + variant.replace('/', '_') + "-r" + repetition + ".log"));
        return resultSample(variant, 3, repetition, child.await(3600));
    }

    /**
     * Case 9, the soak: one long run ({@code --soak-rows}, default 50M) of the mlp model (lr would finish 50M rows in
     * about 15 s here) over FLOAT data made of hard links to a 10M-row dataset (generated once, never committed), with
     * the launcher's default scoring heap; its rows/s and RSS per window come from {@link Soak}.
     */
    private Sample soak(BenchData.Model model) throws IOException, InterruptedException {
        long baseRows = Math.min(soakRows, 10_000_000);
        log("preparing data: %,d FLOAT rows, linked %d times for the soak", baseRows, Math.max(1, soakRows / baseRows));
        Path base = BenchData.dataset(work.resolve("data-float-" + baseRows), baseRows, true);
        Path input = BenchData.linked(base, work.resolve("input-soak"), (int) (BenchData.FILES * Math.max(1, soakRows / baseRows)));
        String variant = "9/soak";
        Path home = work.resolve("home/soak");
        Path output = work.resolve("out/soak");
        BenchData.deleteRecursively(home);
        BenchData.deleteRecursively(output);
        List<String> jvm = new ArrayList<>(NIGHTSHIFT_FLAGS);
        jvm.addAll(LAUNCHER_HEAP);
        jvm.addAll(List.of("-Dnightshift.progress-interval=5s", "-jar", jar.toString()));
        List<String> arguments = List.of("score", "--model", model.file().toString(), "--input", input.toString(), "--output",
                output.toString(), "--id-column", BenchData.ID_COLUMN, "--feature-prefix", BenchData.FEATURE_PREFIX, "--batch-size",
                Integer.toString(BATCH_SIZE), "--device", device);
        log("  %-32s ...", variant);
        LocalTime started = LocalTime.now();
        ChildProcess child = ChildProcess.start(java, jvm, arguments, Map.of("NIGHTSHIFT_HOME", home.toString()),
                work.resolve("logs/soak.log"));
        ChildProcess.Outcome outcome = child.await(4 * 3600);
        soak = Soak.of(outcome.output(), child.rssTimeline(), started);
        Sample sample = nightshiftSample(variant, 9, 1, outcome, Map.of("minutes", soak.minutes().size()));
        report(sample);
        BenchData.deleteRecursively(output);
        BenchData.deleteRecursively(work.resolve("input-soak"));
        return sample;
    }

    /**
     * Case 10, the fixed cost of a run: {@code ./nightshift score} (the launcher as users start it, with its start-up
     * cache, on a home that has run before) on one 1,000-row file, from starting the command to the first scored row (the command's wall time minus
     * its commit phase and exit: a 1,000-row partition is one batch) and to the end. The summary's phases split it.
     */
    private Sample fixedCost(BenchData.Model model, int repetition) throws IOException, InterruptedException {
        Path input = work.resolve("input-fixed-cost");
        if (!Files.exists(input.resolve("part-00000.parquet"))) {
            io.nightshift.demo.SyntheticData.write(io.nightshift.demo.SyntheticData.Spec.anonymous(1, 1_000, BenchData.FEATURES,
                    BenchData.SEED).withRowGroupRows(1_000), input);
        }
        String variant = "10/fixed-cost";
        String slug = variant.replace('/', '_') + "-r" + repetition;
        Path home = work.resolve("home/" + slug);
        Path output = work.resolve("out/" + slug);
        BenchData.deleteRecursively(home);
        BenchData.deleteRecursively(output);
        // Not timed: one run first, into the same home. It builds the launcher's start-up cache if this build has none
        // yet (once, ~15 s) and creates the home's database, as a scheduled run finds both in place.
        ChildProcess.startCommand(List.of(root.resolve("nightshift").toString(), "score", "--model", model.file().toString(), "--input",
                input.toString(), "--output", output + "-first", "--id-column", BenchData.ID_COLUMN, "--feature-prefix",
                BenchData.FEATURE_PREFIX), Map.of("NIGHTSHIFT_HOME", home.toString()), work.resolve("logs/" + slug + "-first.log")).await(600);
        BenchData.deleteRecursively(Path.of(output + "-first"));
        log("  %-32s ...", variant);
        long started = System.nanoTime();
        ChildProcess.Outcome outcome = ChildProcess.startCommand(List.of(root.resolve("nightshift").toString(), "score", "--model",
                model.file().toString(), "--input", input.toString(), "--output", output.toString(), "--id-column", BenchData.ID_COLUMN,
                "--feature-prefix", BenchData.FEATURE_PREFIX), Map.of("NIGHTSHIFT_HOME", home.toString()),
                work.resolve("logs/" + slug + ".log")).await(600);
        double wall = (System.nanoTime() - started) / 1e9;
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("wallSeconds", wall);
        Matcher phases = Pattern.compile("phases\\s+plan ([0-9.]+) s, score ([0-9.]+) s, commit ([0-9.]+) s").matcher(outcome.output());
        if (phases.find()) {
            double plan = Double.parseDouble(phases.group(1));
            double score = Double.parseDouble(phases.group(2));
            double commit = Double.parseDouble(phases.group(3));
            extra.put("planSeconds", plan);
            extra.put("scoreSeconds", score);
            extra.put("commitSeconds", commit);
            Matcher run = SUMMARY.matcher(outcome.output());
            if (run.find()) {
                double runSeconds = Double.parseDouble(run.group(3));
                // JVM start, Spring context, repository: everything before the run's clock starts, and after it stops
                extra.put("startAndExitSeconds", wall - runSeconds);
            }
        }
        Sample sample = new Sample(variant, 10, repetition, outcome.exitCode() == 0 ? 1_000 : 0, wall, wall, outcome.peakRssKb(),
                0, outcome.exitCode(), extra);
        report(sample);
        BenchData.deleteRecursively(output);
        return sample;
    }

    /** Case 8: one 1,024-row inference call, raw ONNX Runtime against Nightshift's scorer and DJL fed a float[]. */
    private Sample batchOverhead(BenchData.Model model, int repetition) throws IOException, InterruptedException {
        String variant = "8/batch-overhead/" + model.name();
        List<String> jvm = new ArrayList<>(NIGHTSHIFT_FLAGS);
        jvm.addAll(List.of("-cp", benchClasspath));
        log("  %-32s ...", variant);
        int batches = model.name().equals("lr") ? 2_000 : 100;
        ChildProcess.Outcome outcome = ChildProcess.start(java, jvm, List.of(BatchOverhead.class.getName(), model.file().toString(),
                "1024", Integer.toString(batches), "9"), Map.of(), work.resolve("logs/" + variant.replace('/', '_') + "-r" + repetition
                + ".log")).await(3600);
        Sample sample = resultSample(variant, 8, repetition, outcome);
        Map<String, Object> extra = new LinkedHashMap<>();
        for (String key : List.of("rawMillisPerBatch", "nightshiftMillisPerBatch", "djlFloatArrayMillisPerBatch")) {
            Matcher value = Pattern.compile("\"" + key + "\": ([0-9.]+)").matcher(outcome.output());
            if (value.find()) {
                extra.put(key, Double.parseDouble(value.group(1)));
            }
        }
        return new Sample(sample.variant(), sample.caseNumber(), sample.repetition(), sample.rows(), sample.seconds(),
                sample.wallSeconds(), sample.peakRssKb(), sample.gcPauseMillis(), sample.exitCode(), extra);
    }

    private Sample spark(BenchData.Model model, Path input, int repetition) throws IOException, InterruptedException {
        String variant = "4/spark/" + model.name();
        Path output = work.resolve("out/spark-" + model.name() + "-r" + repetition);
        BenchData.deleteRecursively(output);
        List<String> jvm = new ArrayList<>(SPARK_FLAGS);
        jvm.addAll(List.of("-cp", sparkClasspath));
        log("  %-32s ...", variant);
        ChildProcess child = ChildProcess.start(sparkJava, jvm, List.of("io.nightshift.bench.spark.SparkScorer",
                model.file().toString(), input.toString(), output.toString(), BenchData.ID_COLUMN, BenchData.FEATURE_PREFIX,
                Integer.toString(BATCH_SIZE)), Map.of(), work.resolve("logs/spark-" + model.name() + "-r" + repetition + ".log"));
        Sample sample = resultSample(variant, 4, repetition, child.await(3600));
        BenchData.deleteRecursively(output);
        return sample;
    }

    private Sample resultSample(String variant, int caseNumber, int repetition, ChildProcess.Outcome outcome) {
        Matcher matcher = RESULT.matcher(outcome.output());
        long resultRows = 0;
        double seconds = 0;
        if (matcher.find()) {
            resultRows = Long.parseLong(matcher.group(1));
            seconds = Double.parseDouble(matcher.group(2));
        }
        Sample sample = new Sample(variant, caseNumber, repetition, resultRows, seconds, outcome.wallSeconds(), outcome.peakRssKb(),
                outcome.gcPauseMillis(), resultRows > 0 ? outcome.exitCode() : Math.max(1, outcome.exitCode()), Map.of());
        report(sample);
        return sample;
    }

    /**
     * Case 7: SIGKILL a run a third of the way in, relaunch it, and measure the time from starting {@code relaunch} to
     * the first new part file, and how much work was done twice.
     */
    private Sample resume(BenchData.Model model) throws IOException, InterruptedException {
        String variant = "7/resume-after-sigkill";
        Path home = work.resolve("home/resume");
        Path output = work.resolve("out/resume");
        BenchData.deleteRecursively(home);
        BenchData.deleteRecursively(output);
        Map<String, String> environment = Map.of("NIGHTSHIFT_HOME", home.toString());
        List<String> jvm = new ArrayList<>(NIGHTSHIFT_FLAGS);
        jvm.addAll(List.of("-jar", jar.toString()));
        int commitInterval = 100_000;
        long expectedParts = Math.max(1, rows / commitInterval);
        long killAt = Math.max(1, expectedParts / 3);
        log("  %-32s ... (kill after %d of ~%d parts)", variant, killAt, expectedParts);
        ChildProcess first = ChildProcess.start(java, jvm, List.of("score", "--model", model.file().toString(), "--input",
                BenchData.files(mainData).toString(), "--output", output.toString(), "--id-column", BenchData.ID_COLUMN,
                "--feature-prefix", BenchData.FEATURE_PREFIX, "--batch-size", Integer.toString(BATCH_SIZE),
                "--commit-interval", Integer.toString(commitInterval)), environment, work.resolve("logs/resume-first.log"));
        while (first.isAlive() && partFiles(output).size() < killAt) {
            Thread.sleep(5);
        }
        boolean killed = first.isAlive();
        first.kill();
        Matcher started = RUN_STARTED.matcher(first.output());
        if (!killed || !started.find()) {
            log("  resume: the run ended before it could be killed; no measurement");
            return new Sample(variant, 7, 1, 0, 0, 0, 0, 0, 1, Map.of());
        }
        String runId = started.group(1);
        Set<String> partsAtKill = new HashSet<>(partFiles(output));
        long rowsInPartsAtKill = 0;
        int partialPartsAtKill = 0;
        for (String part : partsAtKill) {
            long partRows = rowsIn(output.resolve(part));
            rowsInPartsAtKill += partRows;
            partialPartsAtKill += partRows == 0 ? 1 : 0;
        }
        ChildProcess status = ChildProcess.start(java, jvm, List.of("status", runId), environment, work.resolve("logs/resume-status.log"));
        ChildProcess.Outcome statusOutcome = status.await(300);
        Matcher committed = COMMITTED.matcher(statusOutcome.output());
        long committedRows = -1;
        long plannedRows = -1;
        if (committed.find()) {
            committedRows = Long.parseLong(committed.group(1).replace(",", ""));
            plannedRows = Long.parseLong(committed.group(2).replace(",", ""));
        }
        long relaunchStart = System.nanoTime();
        ChildProcess relaunch = ChildProcess.start(java, jvm, List.of("relaunch", runId), environment, work.resolve("logs/resume-relaunch.log"));
        double firstPartSeconds = -1;
        while (relaunch.isAlive()) {
            boolean fresh = partFiles(output).stream().anyMatch(name -> !partsAtKill.contains(name));
            if (fresh) {
                firstPartSeconds = (System.nanoTime() - relaunchStart) / 1e9;
                break;
            }
            Thread.sleep(5);
        }
        ChildProcess.Outcome outcome = relaunch.await(3600);
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("runId", Long.parseLong(runId));
        extra.put("secondsToFirstNewPart", firstPartSeconds);
        extra.put("rowsCommittedAtKill", committedRows);
        extra.put("rowsPlanned", plannedRows);
        extra.put("partFilesAtKill", partsAtKill.size());
        extra.put("rowsInPartFilesAtKill", rowsInPartsAtKill);
        extra.put("partialPartFilesAtKill", partialPartsAtKill);
        // A part is written only after its whole chunk was read and scored, so every part on disk that the checkpoint
        // does not list (complete, or cut short by the kill) is a chunk scored twice. Chunks still being read or scored
        // at the kill (at most one per running partition) are lost too: that is the upper bound.
        long rowsPerPart = (long) Math.ceilDiv(commitInterval, BATCH_SIZE) * BATCH_SIZE;
        long rescored = Math.max(0, rowsInPartsAtKill - committedRows) + partialPartsAtKill * rowsPerPart;
        extra.put("rowsRescoredAtLeast", rescored);
        extra.put("rowsRescoredAtMost", rescored + rowsPerPart * cores);
        extra.put("rowsReadByRelaunch", plannedRows - committedRows);
        Sample sample = nightshiftSample(variant, 7, 1, outcome, extra);
        report(sample);
        log("  resume: run %s killed with %d part files on disk (%,d rows), %,d rows committed; relaunch wrote its first new part after %.1f s",
                runId, partsAtKill.size(), rowsInPartsAtKill, committedRows, firstPartSeconds);
        BenchData.deleteRecursively(output);
        return sample;
    }

    private static List<String> partFiles(Path output) throws IOException {
        if (!Files.isDirectory(output)) {
            return List.of();
        }
        try (var stream = Files.list(output)) {
            return stream.map(path -> path.getFileName().toString())
                    .filter(name -> name.startsWith("part-") && name.endsWith(".parquet")).toList();
        }
    }

    /** Rows in a part file's footer; 0 for a part the kill cut short (no footer yet). */
    private static long rowsIn(Path part) {
        try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(part),
                ParquetReadOptions.builder(new PlainParquetConfiguration()).build())) {
            return reader.getRecordCount();
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private void report(Sample sample) {
        log("  %-32s %s %,12.0f rows/s  %,d rows in %.2f s (wall %.1f s)  peak RSS %,d MiB  GC pauses %.0f ms", sample.variant(),
                sample.ok() ? "ok    " : "FAILED", sample.rowsPerSecond(), sample.rows(), sample.seconds(), sample.wallSeconds(),
                sample.peakRssKb() / 1024, sample.gcPauseMillis());
    }

    private static String label(long count) {
        return count % 1_000_000 == 0 ? count / 1_000_000 + "M" : count / 1000 + "k";
    }

    static void log(String format, Object... arguments) {
        System.out.printf("[bench %s] %s%n", LocalDateTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss")),
                format.formatted(arguments));
        System.out.flush();
    }
}
