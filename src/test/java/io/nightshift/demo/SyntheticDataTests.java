package io.nightshift.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nightshift.demo.SyntheticData.Dataset;
import io.nightshift.demo.SyntheticData.Spec;
import io.nightshift.retrain.LogisticRegressionTrainer;
import io.nightshift.retrain.TrainedLogisticRegression;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticDataTests {

    @TempDir
    Path directory;

    @Test
    void writesOneFileNamedByIndexPerRequestedFile() throws IOException {
        // when
        List<Path> files = SyntheticData.write(Spec.named(3, 100, 1), directory);

        // then
        assertThat(files).extracting(path -> path.getFileName().toString())
                .containsExactly("part-00000.parquet", "part-00001.parquet", "part-00002.parquet");
        assertThat(files).allSatisfy(path -> assertThat(path).isRegularFile().hasParent(directory));
    }

    @Test
    void eachFileHoldsTheRequestedNumberOfRows() throws IOException {
        // when
        List<Path> files = SyntheticData.write(Spec.named(2, 1_234, 1), directory);

        // then
        for (Path file : files) {
            try (ParquetFileReader reader = open(file)) {
                assertThat(reader.getRecordCount()).as("rows of %s", file).isEqualTo(1_234);
            }
        }
    }

    @Test
    void rowGroupsAreCutAtTheRequestedRowCount() throws IOException {
        // when
        List<Path> files = SyntheticData.write(Spec.named(1, 1_000, 1).withRowGroupRows(250), directory);

        // then
        try (ParquetFileReader reader = open(files.getFirst())) {
            assertThat(reader.getRowGroups()).extracting(BlockMetaData::getRowCount).containsExactly(250L, 250L, 250L, 250L);
        }
    }

    @Test
    void smallRowGroupByteTargetGivesSeveralRowGroups() throws IOException {
        // when: 100,000 rows of 15 columns are a few MiB
        List<Path> files = SyntheticData.write(Spec.named(1, 100_000, 1).withRowGroupBytes(1024 * 1024), directory);

        // then
        try (ParquetFileReader reader = open(files.getFirst())) {
            assertThat(reader.getRowGroups()).hasSizeGreaterThan(1);
            assertThat(reader.getRowGroups().stream().mapToLong(BlockMetaData::getRowCount).sum()).isEqualTo(100_000);
        }
    }

    @Test
    void columnsAreIdThenFeaturesThenRegionThenLabel() throws IOException {
        // when
        List<Path> files = SyntheticData.write(Spec.named(1, 10, 1), directory);

        // then
        try (ParquetFileReader reader = open(files.getFirst())) {
            MessageType schema = reader.getFooter().getFileMetaData().getSchema();
            List<String> expected = new ArrayList<>();
            expected.add("customer_id");
            expected.addAll(SyntheticData.NAMED_FEATURES);
            expected.add("region");
            expected.add("churned");
            assertThat(schema.getFields()).extracting(Type::getName).containsExactlyElementsOf(expected);
            assertThat(schema.getType("customer_id").isRepetition(Type.Repetition.REQUIRED)).isTrue();
            assertThat(schema.getType("tenure_months").isRepetition(Type.Repetition.OPTIONAL)).isTrue();
        }
    }

    @Test
    void columnsAreSnappyCompressed() throws IOException {
        // when
        List<Path> files = SyntheticData.write(Spec.named(1, 10, 1), directory);

        // then
        try (ParquetFileReader reader = open(files.getFirst())) {
            assertThat(reader.getRowGroups().getFirst().getColumns()).extracting(ColumnChunkMetaData::getCodec)
                    .containsOnly(CompressionCodecName.SNAPPY);
        }
    }

    @Test
    void anonymousFeaturesAreZeroPaddedSoTheySortInColumnOrder() {
        // when
        List<String> names = Spec.anonymous(1, 10, 30, 1).featureColumns();

        // then
        assertThat(names).hasSize(30).startsWith("f00", "f01").endsWith("f29").isSorted();
    }

    @Test
    void customerIdsAreUniqueAcrossFiles() throws IOException {
        // given
        List<Path> files = SyntheticData.write(Spec.named(3, 500, 1), directory);

        // when
        Set<Long> ids = new HashSet<>();
        long rows = 0;
        for (Path file : files) {
            for (Group row : readAll(file)) {
                ids.add(row.getLong("customer_id", 0));
                rows++;
            }
        }

        // then
        assertThat(ids).hasSize((int) rows).hasSize(1_500);
    }

    @Test
    void eachFileHasExactlyTheRequestedNumberOfBadRows() throws IOException {
        // given
        Spec spec = Spec.anonymous(3, 2_000, 5, 1).withBadRowsPerFile(7);

        // when
        List<Path> files = SyntheticData.write(spec, directory);

        // then
        for (Path file : files) {
            long bad = readAll(file).stream().filter(row -> badFeatureKind(row, spec.featureColumns()) != null).count();
            assertThat(bad).as("bad rows in %s", file).isEqualTo(7);
        }
    }

    @Test
    void badRowsMixNullNaNAndInfinity() throws IOException {
        // given
        Spec spec = Spec.named(1, 1_000, 1).withBadRowsPerFile(6);

        // when
        List<Path> files = SyntheticData.write(spec, directory);

        // then
        List<String> kinds = readAll(files.getFirst()).stream()
                .map(row -> badFeatureKind(row, spec.featureColumns()))
                .filter(kind -> kind != null)
                .toList();
        assertThat(kinds).containsOnly("null", "NaN", "Infinity").contains("null", "NaN", "Infinity");
    }

    @Test
    void regionIsAStringPassThroughColumnWithOccasionalNulls() throws IOException {
        // when
        List<Path> files = SyntheticData.write(Spec.named(1, 5_000, 1), directory);

        // then
        List<Group> rows = readAll(files.getFirst());
        long nulls = rows.stream().filter(row -> row.getFieldRepetitionCount("region") == 0).count();
        Set<String> regions = new HashSet<>();
        rows.stream().filter(row -> row.getFieldRepetitionCount("region") > 0)
                .forEach(row -> regions.add(row.getString("region", 0)));
        assertThat(nulls).isBetween(1L, 200L);
        assertThat(regions).containsExactlyInAnyOrder("north", "south", "east", "west", "central");
    }

    @Test
    void sameSpecGivesByteIdenticalFiles() throws IOException {
        // given
        Spec spec = Spec.named(2, 3_000, 42).withBadRowsPerFile(5).withRowGroupRows(1_000);

        // when
        List<Path> first = SyntheticData.write(spec, directory.resolve("first"));
        List<Path> second = SyntheticData.write(spec, directory.resolve("second"));

        // then
        for (int file = 0; file < first.size(); file++) {
            assertThat(Files.mismatch(first.get(file), second.get(file))).as("first differing byte of file %d", file).isEqualTo(-1);
        }
    }

    @Test
    void differentSeedsGiveDifferentData() throws IOException {
        // when
        Path first = SyntheticData.write(Spec.named(1, 1_000, 1), directory.resolve("first")).getFirst();
        Path second = SyntheticData.write(Spec.named(1, 1_000, 2), directory.resolve("second")).getFirst();

        // then
        assertThat(Files.mismatch(first, second)).isNotEqualTo(-1);
    }

    @Test
    void refusesToOverwriteAnExistingFile() throws IOException {
        // given
        SyntheticData.write(Spec.named(1, 10, 1), directory);

        // then
        assertThatThrownBy(() -> SyntheticData.write(Spec.named(1, 10, 1), directory))
                .isInstanceOf(FileAlreadyExistsException.class);
    }

    @Test
    void readingForTrainingSkipsEveryBadRow() throws IOException {
        // given
        Spec spec = Spec.named(2, 1_000, 1).withBadRowsPerFile(9);
        List<Path> files = SyntheticData.write(spec, directory);

        // when
        Dataset dataset = SyntheticData.readForTraining(files, spec.featureColumns(), SyntheticData.LABEL_COLUMN);

        // then
        assertThat(dataset.rows()).isEqualTo(2_000 - 18);
        assertThat(dataset.skippedRows()).isEqualTo(18);
        for (float value : dataset.rowMajorFeatures()) {
            assertThat(value).isFinite();
        }
    }

    @Test
    void readingForTrainingKeepsTheRequestedColumnOrder() throws IOException {
        // given
        List<Path> files = SyntheticData.write(Spec.named(1, 50, 1), directory);
        List<Group> rows = readAll(files.getFirst());

        // when
        Dataset dataset = SyntheticData.readForTraining(files, List.of("age", "tenure_months"), "churned");

        // then
        assertThat(dataset.width()).isEqualTo(2);
        for (int row = 0; row < 50; row++) {
            assertThat(dataset.rowMajorFeatures()[2 * row]).isEqualTo((float) rows.get(row).getDouble("age", 0));
            assertThat(dataset.rowMajorFeatures()[2 * row + 1]).isEqualTo((float) rows.get(row).getDouble("tenure_months", 0));
            assertThat(dataset.labels()[row]).isEqualTo(rows.get(row).getInteger("churned", 0));
        }
    }

    @Test
    void readingForTrainingNamesAMissingColumn() throws IOException {
        // given
        List<Path> files = SyntheticData.write(Spec.named(1, 10, 1), directory);

        // then
        assertThatThrownBy(() -> SyntheticData.readForTraining(files, List.of("age", "shoe_size"), "churned"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("feature column shoe_size missing")
                .hasMessageContaining("part-00000.parquet");
    }

    @Test
    void labelsAreLearnableFromTheNamedFeatures() throws IOException {
        // given
        Spec spec = Spec.named(1, 30_000, 1);
        List<Path> training = SyntheticData.write(spec, directory.resolve("training"));
        List<Path> holdout = SyntheticData.write(Spec.named(1, 10_000, 2), directory.resolve("holdout"));
        Dataset trainingRows = SyntheticData.readForTraining(training, spec.featureColumns(), SyntheticData.LABEL_COLUMN);
        Dataset holdoutRows = SyntheticData.readForTraining(holdout, spec.featureColumns(), SyntheticData.LABEL_COLUMN);

        // when
        TrainedLogisticRegression model = new LogisticRegressionTrainer()
                .train(trainingRows.rowMajorFeatures(), trainingRows.labels(), trainingRows.width());

        // then
        assertThat(areaUnderCurve(model, holdoutRows)).isGreaterThan(0.75);
    }

    @Test
    void labelsAreLearnableFromTheAnonymousFeatures() throws IOException {
        // given
        Spec spec = Spec.anonymous(1, 30_000, 30, 1);
        List<Path> training = SyntheticData.write(spec, directory.resolve("training"));
        List<Path> holdout = SyntheticData.write(Spec.anonymous(1, 10_000, 30, 2), directory.resolve("holdout"));
        Dataset trainingRows = SyntheticData.readForTraining(training, spec.featureColumns(), SyntheticData.LABEL_COLUMN);
        Dataset holdoutRows = SyntheticData.readForTraining(holdout, spec.featureColumns(), SyntheticData.LABEL_COLUMN);

        // when
        TrainedLogisticRegression model = new LogisticRegressionTrainer()
                .train(trainingRows.rowMajorFeatures(), trainingRows.labels(), trainingRows.width());

        // then
        assertThat(areaUnderCurve(model, holdoutRows)).isGreaterThan(0.75);
    }

    @Test
    void floatFeaturesHoldTheDoubleFeaturesNarrowed() throws IOException {
        // given
        Spec doubles = Spec.anonymous(1, 500, 4, 7);
        Path doubleFile = SyntheticData.write(doubles, directory.resolve("doubles")).getFirst();
        Path floatFile = SyntheticData.write(doubles.withFloatFeatures(), directory.resolve("floats")).getFirst();

        // when
        Dataset fromDoubles = SyntheticData.readForTraining(List.of(doubleFile), doubles.featureColumns(), SyntheticData.LABEL_COLUMN);
        Dataset fromFloats = SyntheticData.readForTraining(List.of(floatFile), doubles.featureColumns(), SyntheticData.LABEL_COLUMN);

        // then
        try (ParquetFileReader reader = open(floatFile)) {
            assertThat(reader.getFileMetaData().getSchema().getType("f00").asPrimitiveType().getPrimitiveTypeName().name())
                    .isEqualTo("FLOAT");
        }
        assertThat(fromFloats.rowMajorFeatures()).containsExactly(fromDoubles.rowMajorFeatures());
        assertThat(fromFloats.labels()).containsExactly(fromDoubles.labels());
    }

    @Test
    void namedColumnsAllowAtMostTwelveFeatures() {
        assertThatThrownBy(() -> new Spec(1, 10, 100, 1 << 20, 13, 1, 0, true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("features must be between 1 and 12 with named columns, got 13");
    }

    private static String badFeatureKind(Group row, List<String> features) {
        for (String feature : features) {
            if (row.getFieldRepetitionCount(feature) == 0) {
                return "null";
            }
            double value = row.getDouble(feature, 0);
            if (Double.isNaN(value)) {
                return "NaN";
            }
            if (Double.isInfinite(value)) {
                return "Infinity";
            }
        }
        return null;
    }

    // Rank statistic (Mann–Whitney U): the probability that a random positive scores above a random negative.
    private static double areaUnderCurve(TrainedLogisticRegression model, Dataset dataset) {
        int rows = dataset.rows();
        double[] scores = new double[rows];
        float[] row = new float[dataset.width()];
        for (int index = 0; index < rows; index++) {
            System.arraycopy(dataset.rowMajorFeatures(), index * dataset.width(), row, 0, dataset.width());
            scores[index] = model.probability(row);
        }
        Integer[] order = new Integer[rows];
        Arrays.setAll(order, index -> index);
        Arrays.sort(order, (left, right) -> Double.compare(scores[left], scores[right]));
        double positiveRankSum = 0;
        long positives = 0;
        for (int rank = 0; rank < rows; rank++) {
            if (dataset.labels()[order[rank]] == 1) {
                positiveRankSum += rank + 1;
                positives++;
            }
        }
        long negatives = rows - positives;
        return (positiveRankSum - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
    }

    private static ParquetFileReader open(Path file) throws IOException {
        return ParquetFileReader.open(new LocalInputFile(file),
                ParquetReadOptions.builder(new PlainParquetConfiguration()).build());
    }

    private static List<Group> readAll(Path file) throws IOException {
        List<Group> rows = new ArrayList<>();
        try (ParquetFileReader reader = open(file)) {
            MessageType schema = reader.getFooter().getFileMetaData().getSchema();
            PageReadStore pages;
            while ((pages = reader.readNextRowGroup()) != null) {
                try (PageReadStore rowGroup = pages) {
                    RecordReader<Group> records = new ColumnIOFactory().getColumnIO(schema)
                            .getRecordReader(rowGroup, new GroupRecordConverter(schema));
                    for (long index = 0; index < rowGroup.getRowCount(); index++) {
                        rows.add(records.read());
                    }
                }
            }
        }
        return rows;
    }
}
