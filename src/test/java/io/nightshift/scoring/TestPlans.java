package io.nightshift.scoring;

import io.nightshift.parquet.ColumnInfo;
import io.nightshift.parquet.ParquetFileInfo;
import io.nightshift.storage.Storage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.batch.core.repository.dao.DefaultExecutionContextSerializer;
import org.springframework.batch.infrastructure.item.ExecutionContext;

/**
 * Builds a {@link ScoringPlan} for real Parquet files the way the planner does (columns from the footer, partitions
 * from {@link ScoringPlanner#partition}), without a model resolver or job repository, for the scoring unit tests.
 */
final class TestPlans {

    private TestPlans() {
    }

    /** Settings scoring {@code input} into {@code output} with the given features, batch size and commit interval. */
    static ScoringSettings settings(Path input, Path output, List<String> features, List<String> passthrough, int batchSize,
            int commitInterval) {
        return new ScoringSettings("model.onnx", input.toString(), output.toString(), null, "customer_id", features, null,
                passthrough, batchSize, commitInterval, 2, 1.0, false, "cpu");
    }

    static ScoringPlan plan(Storage storage, List<Path> inputs, ScoringSettings settings, List<String> outputColumns)
            throws IOException {
        List<ParquetFileInfo> infos = new ArrayList<>();
        for (Path input : inputs) {
            infos.add(ParquetFileInfo.read(storage, input.toUri().toString()));
        }
        List<String> names = new ArrayList<>();
        names.add(settings.idColumn());
        names.addAll(settings.passthrough());
        names.addAll(settings.features());
        List<ScoringPlan.PlannedColumn> columns = new ArrayList<>();
        for (String name : names) {
            ColumnInfo column = infos.getFirst().column(name).orElseThrow();
            columns.add(new ScoringPlan.PlannedColumn(column.name(), column.kind().name(), column.parquetType()));
        }
        List<ScoringPlan.PlannedFile> files = infos.stream()
                .map(info -> new ScoringPlan.PlannedFile(info.uri(), info.version(), info.footerChecksum(), info.sizeBytes(), info.rowCount(), info.rowGroupRows()))
                .toList();
        long totalRows = infos.stream().mapToLong(ParquetFileInfo::rowCount).sum();
        String output = storage.normalize(settings.output());
        return new ScoringPlan("run-key-1", settings, output, storage.resolve(output, "_rejects"),
                new ScoringPlan.PlannedModel("model.onnx", "churn", "1", "0".repeat(64)), columns,
                1 + settings.passthrough().size(), outputColumns, files,
                ScoringPlanner.partition(files, totalRows, settings), totalRows);
    }

    /** The context as the job repository hands it back on restart: serialised and read again. */
    static ExecutionContext persisted(ExecutionContext executionContext) {
        DefaultExecutionContextSerializer serializer = new DefaultExecutionContextSerializer();
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            serializer.serialize(executionContext.toMap(), bytes);
            Map<String, Object> restored = serializer.deserialize(new ByteArrayInputStream(bytes.toByteArray()));
            return new ExecutionContext(restored);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
