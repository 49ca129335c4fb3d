package io.nightshift.scoring;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * Everything a run decided before scoring its first row: the exact input files (sizes, row groups), the model
 * (location and sha256), the columns read and written, and the partitions. Saved with the run, so a relaunch
 * scores the same inputs with the same model even if new files arrived or the model moved meanwhile.
 */
public record ScoringPlan(
        String runKey,
        ScoringSettings settings,
        String outputUri,
        String rejectsUri,
        PlannedModel model,
        List<PlannedColumn> columns,
        int featureOffset,
        List<String> outputColumns,
        List<PlannedFile> files,
        List<PlannedPartition> partitions,
        long totalRows) {

    public ScoringPlan {
        requireNonNull(runKey, "runKey is null");
        requireNonNull(settings, "settings is null");
        requireNonNull(outputUri, "outputUri is null");
        requireNonNull(rejectsUri, "rejectsUri is null");
        requireNonNull(model, "model is null");
        columns = List.copyOf(columns);
        outputColumns = List.copyOf(outputColumns);
        files = List.copyOf(files);
        partitions = List.copyOf(partitions);
    }

    /** Columns read from the input: the id column first, then passthrough columns, then features in model order. */
    public List<String> columnNames() {
        return columns.stream().map(PlannedColumn::name).toList();
    }

    public List<String> featureNames() {
        return columnNames().subList(featureOffset, columns.size());
    }

    public PlannedPartition partition(int index) {
        return partitions.get(index);
    }

    /** The model a run scores with; {@code sha256} pins it across relaunches. */
    public record PlannedModel(String location, String name, String version, String sha256) {
        public PlannedModel {
            requireNonNull(location, "location is null");
            requireNonNull(sha256, "sha256 is null");
        }

        /** {@code name@version}, as log lines and run summaries name the model. */
        public String reference() {
            return name + "@" + version;
        }
    }

    /** An input column and its Parquet type ({@code optional double}), checked identical in every file. */
    public record PlannedColumn(String name, String kind, String parquetType) {
        public PlannedColumn {
            requireNonNull(name, "name is null");
            requireNonNull(kind, "kind is null");
            requireNonNull(parquetType, "parquetType is null");
        }
    }

    /**
     * An input file as it was when the run was planned: its storage version (S3 ETag/versionId, local size and
     * modification time) and footer checksum pin it, so every later read can prove it reads the same file.
     * ({@code version} is null only in plans saved before versions were recorded; such files are not checked.)
     */
    public record PlannedFile(String uri, String version, long footerChecksum, long sizeBytes, long rows, List<Long> rowGroupRows) {
        public PlannedFile {
            requireNonNull(uri, "uri is null");
            rowGroupRows = List.copyOf(rowGroupRows);
        }
    }

    /**
     * A unit of work: row groups [firstRowGroup, endRowGroup) of one file. {@code firstRowIndex} is the index of its
     * first row within the file, so rejects can say which row of which file they were.
     */
    public record PlannedPartition(int index, int file, int firstRowGroup, int endRowGroup, long firstRowIndex, long rows) {
        public PlannedPartition {
            if (endRowGroup <= firstRowGroup) {
                throw new IllegalArgumentException("partition " + index + " has no row groups");
            }
        }

        /** {@code partition-00007}: the step execution name suffix and the part-file component. */
        public String name() {
            return name(index);
        }

        static String name(int index) {
            return "partition-%05d".formatted(index);
        }
    }
}
