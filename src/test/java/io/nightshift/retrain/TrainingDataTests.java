package io.nightshift.retrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nightshift.NightshiftException;
import io.nightshift.parquet.ColumnKind;
import io.nightshift.parquet.ColumnVector;
import io.nightshift.parquet.ColumnarParquetWriter;
import io.nightshift.parquet.WriterOptions;
import io.nightshift.storage.LocalStorage;
import io.nightshift.storage.S3Storage;
import io.nightshift.storage.Storage;
import io.nightshift.testing.S3TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingDataTests {

    private static final LabeledRows ROWS = NonLinearData.rows(3_000, 31);

    @TempDir
    Path directory;

    private final Storage storage = new LocalStorage();

    @Test
    void aDirectoryIsReadFileByFileInUriOrderWithEachFilesRowsAndVersion() throws IOException {
        // given
        Path input = writeParts(directory.resolve("train"));

        // when
        TrainingData data = TrainingData.read(storage, input.toString(), NonLinearData.FEATURES, NonLinearData.LABEL);

        // then
        assertThat(data.rows().rows()).isEqualTo(3_000);
        assertThat(data.rows().features()).isEqualTo(ROWS.features());
        assertThat(data.rows().labels()).isEqualTo(ROWS.labels());
        assertThat(data.reference().rows()).isEqualTo(3_000);
        assertThat(data.reference().files()).extracting(TrainingDataReference.TrainingFile::rows).containsExactly(1_000L, 2_000L);
        assertThat(data.reference().files()).extracting(TrainingDataReference.TrainingFile::uri)
                .containsExactly(input.resolve("part-0.parquet").toUri().toString(), input.resolve("part-1.parquet").toUri().toString());
        assertThat(data.reference().files()).allSatisfy(file -> assertThat(file.version()).startsWith("size "));
    }

    @Test
    void aGlobReadsOnlyTheFilesItMatches() throws IOException {
        // given: a third file the glob does not match
        Path input = writeParts(directory.resolve("train"));
        NonLinearData.write(storage, input.resolve("holdout.parquet").toString(), NonLinearData.slice(ROWS, 0, 10), Set.of(), Set.of());

        // when
        TrainingData data = TrainingData.read(storage, input + "/part-*.parquet", NonLinearData.FEATURES, NonLinearData.LABEL);

        // then
        assertThat(data.rows().rows()).isEqualTo(3_000);
        assertThat(data.reference().files()).hasSize(2);
        assertThat(data.reference().uri()).endsWith("/train/part-*.parquet");
    }

    @Test
    void rowsWithANullFeatureOrANullLabelAreSkippedAndCounted() throws IOException {
        // given
        String file = directory.resolve("train.parquet").toString();
        NonLinearData.write(storage, file, NonLinearData.slice(ROWS, 0, 100), Set.of(3, 50), Set.of(7));

        // when
        TrainingData data = TrainingData.read(storage, file, NonLinearData.FEATURES, NonLinearData.LABEL);

        // then
        assertThat(data.skipped()).isEqualTo(new SkippedRows(2, 1, 0));
        assertThat(data.rows().rows()).isEqualTo(97);
        assertThat(data.reference().rows()).isEqualTo(100);
        assertThat(Arrays.copyOfRange(data.rows().features(), 3 * 8, 4 * 8))
                .isEqualTo(Arrays.copyOfRange(ROWS.features(), 4 * 8, 5 * 8)); // row 3 left out: row 4 follows row 2
    }

    @Test
    void rowsWhoseLabelIsNeitherZeroNorOneAreSkippedAndCounted() throws IOException {
        // given
        String file = directory.resolve("labels.parquet").toString();
        writeSingleFeature(file, new double[] {0.5, 1.5, 2.5, 3.5, Double.NaN}, new long[] {0, 1, 2, -1, 1});

        // when
        TrainingData data = TrainingData.read(storage, file, List.of("x"), "y");

        // then
        assertThat(data.skipped()).isEqualTo(new SkippedRows(1, 0, 2));
        assertThat(data.rows().labels()).containsExactly(0, 1);
    }

    @Test
    void aMissingLabelColumnIsAConfigurationErrorNamingTheFileAndTheColumn() throws IOException {
        // given
        Path input = writeParts(directory.resolve("train"));

        // when / then
        assertThatThrownBy(() -> TrainingData.read(storage, input.toString(), NonLinearData.FEATURES, "cancelled"))
                .isInstanceOfSatisfying(TrainingException.class, e -> assertThat(e.disposition())
                        .isEqualTo(NightshiftException.Disposition.CONFIGURATION))
                .hasMessageContaining("Cannot train on " + input.resolve("part-0.parquet").toUri())
                .hasMessageContaining("label column 'cancelled' is missing; columns are [id, f0, f1");
    }

    @Test
    void aFeatureColumnThatIsNotANumberIsAConfigurationErrorNamingTheFileAndTheColumn() throws IOException {
        // given
        String file = directory.resolve("strings.parquet").toString();
        MessageType schema = Types.buildMessage()
                .optional(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named("region")
                .required(PrimitiveTypeName.INT32).named("y")
                .named("t");
        ColumnVector regions = new ColumnVector(ColumnKind.STRING, 1);
        regions.appendString("north");
        ColumnVector labels = new ColumnVector(ColumnKind.INT32, 1);
        labels.appendLong(1);
        try (ColumnarParquetWriter writer = ColumnarParquetWriter.create(storage, file, schema, Map.of(), WriterOptions.defaults())) {
            writer.write(new ColumnVector[] {regions, labels}, 1);
        }

        // when / then
        assertThatThrownBy(() -> TrainingData.read(storage, file, List.of("region"), "y"))
                .isInstanceOf(TrainingException.class)
                .hasMessageContaining("Cannot train on " + Path.of(file).toUri())
                .hasMessageContaining("feature column 'region' is optional binary");
    }

    @Test
    void aLocationMatchingNoFileIsAConfigurationError() {
        assertThatThrownBy(() -> TrainingData.read(storage, directory + "/*.parquet", NonLinearData.FEATURES, NonLinearData.LABEL))
                .isInstanceOfSatisfying(TrainingException.class, e -> assertThat(e.disposition().exitCode()).isEqualTo(2))
                .hasMessageStartingWith("No training files match " + directory + "/*.parquet");
    }

    @Test
    void theReferenceHashIsStableForTheSameFilesAndChangesWhenAFileIsReplaced() throws IOException {
        // given
        Path input = writeParts(directory.resolve("train"));
        String before = TrainingData.read(storage, input.toString(), NonLinearData.FEATURES, NonLinearData.LABEL).reference().sha256();
        String again = TrainingData.read(storage, input.toString(), NonLinearData.FEATURES, NonLinearData.LABEL).reference().sha256();

        // when: one file rewritten with other rows
        Files.delete(input.resolve("part-0.parquet"));
        NonLinearData.write(storage, input.resolve("part-0.parquet").toString(), NonLinearData.slice(ROWS, 2_000, 1_000), Set.of(),
                Set.of());
        String after = TrainingData.read(storage, input.toString(), NonLinearData.FEATURES, NonLinearData.LABEL).reference().sha256();

        // then
        assertThat(again).isEqualTo(before);
        assertThat(after).isNotEqualTo(before);
    }

    @Test
    void filesAreReadFromS3ByGlob() throws Exception {
        try (S3TestServer server = S3TestServer.start(); S3Storage s3 = server.storage()) {
            // given
            server.createBucket("training");
            NonLinearData.write(s3, "s3://training/churn/part-0.parquet", NonLinearData.slice(ROWS, 0, 1_000), Set.of(1), Set.of());
            NonLinearData.write(s3, "s3://training/churn/part-1.parquet", NonLinearData.slice(ROWS, 1_000, 2_000), Set.of(), Set.of());

            // when
            TrainingData data = TrainingData.read(s3, "s3://training/churn/*.parquet", NonLinearData.FEATURES, NonLinearData.LABEL);

            // then
            assertThat(data.rows().rows()).isEqualTo(2_999);
            assertThat(data.skipped().missingFeature()).isEqualTo(1);
            assertThat(data.reference().uri()).isEqualTo("s3://training/churn/*.parquet");
            assertThat(data.reference().files()).extracting(TrainingDataReference.TrainingFile::uri)
                    .containsExactly("s3://training/churn/part-0.parquet", "s3://training/churn/part-1.parquet");
            assertThat(data.reference().files()).allSatisfy(file -> assertThat(file.version()).isNotBlank());
        }
    }

    @Test
    void theSplitIsTheSameForTheSameSeedAndOtherForAnother() throws IOException {
        // given
        TrainingData data = TrainingData.read(storage, writeParts(directory.resolve("train")).toString(), NonLinearData.FEATURES,
                NonLinearData.LABEL);

        // when
        TrainingData.Split first = data.split(0.2, 4);
        TrainingData.Split second = data.split(0.2, 4);
        TrainingData.Split other = data.split(0.2, 5);

        // then
        assertThat(second.validation().features()).isEqualTo(first.validation().features());
        assertThat(second.train().labels()).isEqualTo(first.train().labels());
        assertThat(other.validation().features()).isNotEqualTo(first.validation().features());
    }

    @Test
    void theSplitIsDisjointCompleteAndKeepsEachClassesShare() throws IOException {
        // given
        TrainingData data = TrainingData.read(storage, writeParts(directory.resolve("train")).toString(), NonLinearData.FEATURES,
                NonLinearData.LABEL);
        long positives = data.rows().positives();

        // when
        TrainingData.Split split = data.split(0.2, 4);

        // then
        assertThat(split.train().rows() + split.validation().rows()).isEqualTo(3_000);
        assertThat(split.validation().positives()).isEqualTo(Math.round(positives * 0.2));
        assertThat(split.validation().rows() - split.validation().positives()).isEqualTo(Math.round((3_000 - positives) * 0.2));
        Set<String> trainRows = rowsAsText(split.train());
        Set<String> validationRows = rowsAsText(split.validation());
        assertThat(trainRows).doesNotContainAnyElementsOf(validationRows);
        Set<String> all = new HashSet<>(trainRows);
        all.addAll(validationRows);
        assertThat(all).isEqualTo(rowsAsText(data.rows()));
    }

    private Path writeParts(Path input) throws IOException {
        Files.createDirectories(input);
        // written in reverse name order: the reader must still go by URI
        NonLinearData.write(storage, input.resolve("part-1.parquet").toString(), NonLinearData.slice(ROWS, 1_000, 2_000), Set.of(),
                Set.of());
        NonLinearData.write(storage, input.resolve("part-0.parquet").toString(), NonLinearData.slice(ROWS, 0, 1_000), Set.of(), Set.of());
        return input;
    }

    private void writeSingleFeature(String file, double[] values, long[] labels) throws IOException {
        MessageType schema = Types.buildMessage()
                .optional(PrimitiveTypeName.DOUBLE).named("x")
                .required(PrimitiveTypeName.INT64).named("y")
                .named("t");
        ColumnVector x = new ColumnVector(ColumnKind.DOUBLE, values.length);
        ColumnVector y = new ColumnVector(ColumnKind.INT64, labels.length);
        for (int row = 0; row < values.length; row++) {
            x.appendDouble(values[row]);
            y.appendLong(labels[row]);
        }
        try (ColumnarParquetWriter writer = ColumnarParquetWriter.create(storage, file, schema, Map.of(), WriterOptions.defaults())) {
            writer.write(new ColumnVector[] {x, y}, values.length);
        }
    }

    private static Set<String> rowsAsText(LabeledRows rows) {
        Set<String> text = new HashSet<>();
        for (int row = 0; row < rows.rows(); row++) {
            text.add(Arrays.toString(Arrays.copyOfRange(rows.features(), row * rows.width(), (row + 1) * rows.width())));
        }
        return text;
    }
}
