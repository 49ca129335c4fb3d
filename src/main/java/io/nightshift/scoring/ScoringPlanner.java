package io.nightshift.scoring;

import io.nightshift.commit.Manifest;
import io.nightshift.commit.OutputCommitter;
import io.nightshift.model.LoadedModel;
import io.nightshift.model.ModelArtifact;
import io.nightshift.model.ModelException;
import io.nightshift.model.ModelResolver;
import io.nightshift.model.ModelSpec;
import io.nightshift.parquet.ColumnInfo;
import io.nightshift.parquet.ColumnKind;
import io.nightshift.parquet.ParquetFileInfo;
import io.nightshift.storage.Storage;
import io.nightshift.storage.StorageFile;
import io.nightshift.storage.StorageUnavailableException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns settings into a {@link ScoringPlan}: checks the model and output before a run exists ({@link #preflight}),
 * then lists and inspects every input file, checks their schemas agree and hold the needed columns with usable
 * types, and splits the work into partitions of whole row groups ({@link #plan}).
 */
public final class ScoringPlanner {

    private static final Logger log = LoggerFactory.getLogger(ScoringPlanner.class);

    private final Storage storage;
    private final ModelResolver models;
    private final LoadedModels loadedModels;
    private final OutputCommitter committer;

    public ScoringPlanner(Storage storage, ModelResolver models, LoadedModels loadedModels, OutputCommitter committer) {
        this.storage = storage;
        this.models = models;
        this.loadedModels = loadedModels;
        this.committer = committer;
    }

    /**
     * Problems a user fixes in the command or job spec, found before a run exists: missing or corrupt model, no input
     * files, an output that holds a committed result (without overwrite), is not writable, or overlaps the input.
     */
    public ModelArtifact preflight(ScoringSettings settings) {
        ModelArtifact artifact;
        try {
            artifact = models.resolve(settings.model());
        } catch (ModelException e) {
            throw new ScoringException(ScoringException.Kind.CONFIGURATION, e.getMessage(), e);
        }
        String output = storage.normalize(settings.output());
        String rejects = rejectsUri(settings, output);
        List<StorageFile> inputs = listInputs(settings, ScoringException.Kind.CONFIGURATION);
        checkNoOverlap(settings, output, rejects, inputs);
        checkFirstFile(settings, artifact, inputs.getFirst());
        try {
            Optional<Manifest> committed = committer.committed(output);
            if (committed.isPresent() && !settings.overwrite()) {
                throw new ScoringException(ScoringException.Kind.CONFIGURATION, "Output " + output
                        + " already holds a committed result (run " + committed.get().runId() + ", " + committed.get().jobName()
                        + ", committed " + committed.get().committedAt() + "). Choose another output location, or pass --overwrite "
                        + "(overwrite: true in a job spec) to replace it.");
            }
            storage.checkWritable(output);
            storage.checkWritable(rejects);
        } catch (StorageUnavailableException e) {
            throw new ScoringException(ScoringException.Kind.RUN, "Cannot check output " + output + ": " + e.getMessage()
                    + ". The store did not answer after retries; try again in a while.", e);
        } catch (IOException e) {
            throw new ScoringException(ScoringException.Kind.CONFIGURATION, "Cannot write to output " + output + ": "
                    + e.getMessage() + ". Check the location exists and this process may write there.", e);
        }
        return artifact;
    }

    /**
     * The first input file read as the command asked: a Parquet file (not, say, a README given as --input) with the id,
     * passthrough and feature columns the command names. A mistake here is in the command, and found before the run
     * exists; the other files are checked against the first one while planning.
     */
    private void checkFirstFile(ScoringSettings settings, ModelArtifact artifact, StorageFile file) {
        ParquetFileInfo first;
        try {
            first = ParquetFileInfo.read(storage, file.uri());
        } catch (StorageUnavailableException e) {
            throw runError("Cannot read " + file.uri() + ": " + e.getMessage() + ". The store did not answer after retries;"
                    + " try again in a while.", e);
        } catch (IOException e) {
            throw new ScoringException(ScoringException.Kind.CONFIGURATION, "Cannot score " + file.uri() + ": "
                    + sentence(stripPrefix(e.getMessage(), file.uri())) + " Give Parquet files as input (fix or replace this one).", e);
        }
        for (PlannedColumnCheck check : columnChecks(settings, features(settings, artifact, first))) {
            checkColumn(first, check);
        }
    }

    private List<StorageFile> listInputs(ScoringSettings settings, ScoringException.Kind kind) {
        List<StorageFile> listed;
        try {
            listed = storage.list(settings.input());
        } catch (IOException e) {
            throw new ScoringException(ScoringException.Kind.RUN, "Cannot list input " + settings.input() + ": " + e.getMessage(), e);
        }
        if (listed.isEmpty()) {
            throw new ScoringException(kind, "No input files match " + settings.input() + ". Check the path or glob (directories are "
                    + "listed one level deep; names starting with _ or . are skipped).", null);
        }
        return listed;
    }

    /**
     * Refuses an output that overlaps the input: inside an input directory, matched by the input glob, or holding an
     * input file. Tomorrow's run of the same job would read today's scores as input, or a reader of the output would
     * read the input.
     */
    private void checkNoOverlap(ScoringSettings settings, String output, String rejects, List<StorageFile> inputs) {
        String samplePart = storage.resolve(output, "part-r000001-00000000-p00000-c000000-e001-a000001.parquet");
        String sampleReject = storage.resolve(rejects, "rejects-r000001-00000000-p00000-c000000-e001-a000001.parquet");
        for (String sample : List.of(samplePart, sampleReject)) {
            if (storage.wouldList(settings.input(), sample)) {
                throw new ScoringException(ScoringException.Kind.CONFIGURATION, "Cannot score " + settings.input() + " into "
                        + output + ": the input would also match the run's own part files (" + sample + "), so the next run "
                        + "would read these scores as input. Choose an output (and rejects location) outside the input.");
            }
        }
        String outputDirectory = output.endsWith("/") ? output : output + "/";
        for (StorageFile input : inputs) {
            if (input.uri().startsWith(outputDirectory) || input.uri().equals(output)) {
                throw new ScoringException(ScoringException.Kind.CONFIGURATION, "Cannot score into " + output + ": input file "
                        + input.uri() + " lies inside it, and readers of the output would read it as scores. Choose an output "
                        + "outside the input.");
            }
        }
    }

    public ScoringPlan plan(String runKey, ScoringSettings settings) {
        long started = System.nanoTime();
        ModelArtifact artifact = preflight(settings);
        String output = storage.normalize(settings.output());
        String rejects = rejectsUri(settings, output);
        List<StorageFile> listed = listInputs(settings, ScoringException.Kind.RUN);
        List<ParquetFileInfo> infos = new ArrayList<>();
        for (StorageFile file : listed) {
            try {
                infos.add(ParquetFileInfo.read(storage, file.uri()));
            } catch (StorageUnavailableException e) {
                throw runError("Cannot read " + file.uri() + ": " + e.getMessage() + ". The store did not answer after retries;"
                        + " relaunch the run.", e);
            } catch (IOException e) {
                throw runError("Cannot score " + file.uri() + ": " + sentence(stripPrefix(e.getMessage(), file.uri()))
                        + " Fix or remove the file, then relaunch.", e);
            }
        }
        ParquetFileInfo first = infos.getFirst();
        List<ModelSpec.FeatureSpec> features = features(settings, artifact, first);
        List<PlannedColumnCheck> checks = columnChecks(settings, features);
        List<ScoringPlan.PlannedColumn> columns = new ArrayList<>();
        for (PlannedColumnCheck check : checks) {
            columns.add(checkColumn(first, check));
        }
        for (ParquetFileInfo info : infos.subList(1, infos.size())) {
            for (int i = 0; i < checks.size(); i++) {
                ScoringPlan.PlannedColumn expected = columns.get(i);
                Optional<ColumnInfo> actual = info.column(expected.name());
                if (actual.isEmpty()) {
                    throw runError("Cannot score " + info.uri() + ": " + checks.get(i).role() + " '" + expected.name()
                            + "' is missing, but " + first.uri() + " has it. All input files of a run must share one schema.", null);
                }
                if (!actual.get().parquetType().equals(expected.parquetType())) {
                    throw runError("Cannot score " + info.uri() + ": column '" + expected.name() + "' is "
                            + actual.get().parquetType() + " but " + expected.parquetType() + " in " + first.uri()
                            + ". All input files of a run must share one schema.", null);
                }
            }
        }
        long totalRows = infos.stream().mapToLong(ParquetFileInfo::rowCount).sum();
        if (totalRows == 0) {
            throw runError("Input " + settings.input() + " holds no rows (" + infos.size() + " file(s), all empty); nothing to score.", null);
        }
        long inputsChecked = System.nanoTime();
        LoadedModel model;
        try {
            model = loadedModels.get(artifact, features, settings);
        } catch (ModelException e) {
            throw new ScoringException(ScoringException.Kind.CONFIGURATION, e.getMessage(), e);
        }
        List<String> outputColumns = model.outputColumns();
        for (String outputColumn : outputColumns) {
            if (outputColumn.equals(settings.idColumn()) || settings.passthrough().contains(outputColumn)) {
                throw new ScoringException(ScoringException.Kind.CONFIGURATION, "Model output column '" + outputColumn
                        + "' has the same name as an input column copied to the output; rename it in model.yaml (outputs.columns).");
            }
        }
        List<ScoringPlan.PlannedFile> files = new ArrayList<>();
        for (ParquetFileInfo info : infos) {
            files.add(new ScoringPlan.PlannedFile(info.uri(), info.version(), info.footerChecksum(), info.sizeBytes(), info.rowCount(),
                    info.rowGroupRows()));
        }
        List<ScoringPlan.PlannedPartition> partitions = partition(files, totalRows, settings);
        ScoringPlan plan = new ScoringPlan(runKey, settings, output, rejects,
                new ScoringPlan.PlannedModel(artifact.location(), artifact.name(), artifact.version(), artifact.sha256()),
                columns, 1 + settings.passthrough().size(), outputColumns, files, partitions, totalRows);
        long finished = System.nanoTime();
        log.info("Planned {} rows in {} file(s) as {} partition(s); model {}; {} ms (inputs {} ms, model load and test {} ms)",
                totalRows, files.size(), partitions.size(), artifact.describe(), (finished - started) / 1_000_000,
                (inputsChecked - started) / 1_000_000, (finished - inputsChecked) / 1_000_000);
        return plan;
    }

    /** The features a model gets: its spec's list, the job's list, a prefix, or every numeric non-id column. */
    static List<ModelSpec.FeatureSpec> features(ScoringSettings settings, ModelArtifact artifact, ParquetFileInfo first) {
        List<ModelSpec.FeatureSpec> fromModel = artifact.spec().features();
        if (!fromModel.isEmpty()) {
            if (!settings.features().isEmpty() && !settings.features().equals(artifact.spec().featureNames())) {
                throw new ScoringException(ScoringException.Kind.CONFIGURATION, "Features " + settings.features()
                        + " differ from the ones model " + artifact.describe() + " lists in model.yaml " + artifact.spec().featureNames()
                        + ". Leave --features out: the model's list (with its preprocessing) is used.");
            }
            return fromModel;
        }
        List<String> names;
        if (!settings.features().isEmpty()) {
            names = settings.features();
        } else if (settings.featurePrefix() != null) {
            names = first.columns().stream().map(ColumnInfo::name).filter(name -> name.startsWith(settings.featurePrefix())).toList();
            if (names.isEmpty()) {
                throw new ScoringException(ScoringException.Kind.CONFIGURATION, "No column of " + first.uri() + " starts with feature prefix '"
                        + settings.featurePrefix() + "'; columns are " + first.columns().stream().map(ColumnInfo::name).toList());
            }
        } else {
            names = first.columns().stream()
                    .filter(column -> column.isNumeric() && !column.name().equals(settings.idColumn())
                            && !settings.passthrough().contains(column.name()))
                    .map(ColumnInfo::name)
                    .toList();
        }
        return names.stream().map(ModelSpec.FeatureSpec::plain).toList();
    }

    /** @param option what to check when the column is missing from the first file */
    private record PlannedColumnCheck(String name, String role, boolean numeric, String option) {
    }

    private static List<PlannedColumnCheck> columnChecks(ScoringSettings settings, List<ModelSpec.FeatureSpec> features) {
        List<PlannedColumnCheck> checks = new ArrayList<>();
        checks.add(new PlannedColumnCheck(settings.idColumn(), "id column", false, "--id-column"));
        for (String passthrough : settings.passthrough()) {
            checks.add(new PlannedColumnCheck(passthrough, "passthrough column", false, "--passthrough"));
        }
        for (ModelSpec.FeatureSpec feature : features) {
            checks.add(new PlannedColumnCheck(feature.name(), "feature column", true, "--features/--feature-prefix or the model's features"));
        }
        return checks;
    }

    private static ScoringPlan.PlannedColumn checkColumn(ParquetFileInfo file, PlannedColumnCheck check) {
        Optional<ColumnInfo> column = file.column(check.name());
        if (column.isEmpty()) {
            throw new ScoringException(ScoringException.Kind.CONFIGURATION, "Cannot score " + file.uri() + ": " + check.role() + " '"
                    + check.name() + "' is missing; columns are " + file.columns().stream().map(ColumnInfo::name).toList() + ". Check "
                    + check.option() + ".");
        }
        ColumnInfo info = column.get();
        if (info.kind() == ColumnKind.OTHER) {
            throw new ScoringException(ScoringException.Kind.CONFIGURATION, "Cannot score " + file.uri() + ": " + check.role() + " '"
                    + check.name() + "' has type " + info.parquetType() + ", which Nightshift cannot read (nested, repeated or decimal).");
        }
        if (check.numeric() && !info.isNumeric()) {
            throw new ScoringException(ScoringException.Kind.CONFIGURATION, "Cannot score " + file.uri() + ": feature column '"
                    + check.name() + "' is " + info.parquetType() + "; features must be numeric (boolean, int32, int64, float or double). "
                    + "Convert it upstream or drop it from the features.");
        }
        return new ScoringPlan.PlannedColumn(info.name(), info.kind().name(), info.parquetType());
    }

    /**
     * Splits files into partitions of whole row groups, each about {@code totalRows / (4 × threads)} rows (at least
     * one commit interval, at most 5M): four partitions per thread keep every core busy until near the end (with
     * 1.5 partitions per thread one core idled for the last third of a compute-bound run), while a partition
     * stays minutes long on big inputs. A job's {@code partitions.target-rows} replaces that estimate (remote workers
     * are not this process's threads).
     */
    static List<ScoringPlan.PlannedPartition> partition(List<ScoringPlan.PlannedFile> files, long totalRows, ScoringSettings settings) {
        long target = settings.partitions().targetRows() > 0 ? settings.partitions().targetRows()
                : Math.max(settings.commitInterval(), Math.min(5_000_000L, ceilDiv(totalRows, 4L * settings.threads())));
        List<ScoringPlan.PlannedPartition> partitions = new ArrayList<>();
        for (int file = 0; file < files.size(); file++) {
            List<Long> groups = files.get(file).rowGroupRows();
            int start = 0;
            long rows = 0;
            long rowIndex = 0;
            long startRowIndex = 0;
            for (int group = 0; group < groups.size(); group++) {
                if (rows == 0) {
                    start = group;
                    startRowIndex = rowIndex;
                }
                rows += groups.get(group);
                rowIndex += groups.get(group);
                if (rows >= target || group == groups.size() - 1) {
                    if (rows > 0) {
                        partitions.add(new ScoringPlan.PlannedPartition(partitions.size(), file, start, group + 1, startRowIndex, rows));
                    }
                    rows = 0;
                }
            }
        }
        return partitions;
    }

    /** The normalised output location of a run with these settings. */
    public String outputUri(ScoringSettings settings) {
        return storage.normalize(settings.output());
    }

    String rejectsUri(ScoringSettings settings, String output) {
        return settings.rejects() != null ? storage.normalize(settings.rejects()) : storage.resolve(output, "_rejects");
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    private static String stripPrefix(String message, String uri) {
        String prefix = "Cannot read " + uri + ": ";
        return message != null && message.startsWith(prefix) ? message.substring(prefix.length()) : message;
    }

    /** Ends a message from elsewhere as a sentence, without doubling its own punctuation ("complete?." reads badly). */
    private static String sentence(String message) {
        return message != null && (message.endsWith(".") || message.endsWith("?") || message.endsWith("!")) ? message : message + ".";
    }

    private static ScoringException runError(String message, Throwable cause) {
        return new ScoringException(ScoringException.Kind.RUN, message, cause);
    }
}
