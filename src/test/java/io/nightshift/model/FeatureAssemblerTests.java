package io.nightshift.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nightshift.parquet.ColumnKind;
import io.nightshift.parquet.ColumnVector;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The feature assembly scoring and the gate share: packing columns into a row-major block, each row's first bad feature,
 * and keeping rows a caller chooses (the gate keeps only rows every compared model can score). Scoring's behaviour
 * through it is covered by ScoringProcessorTests.
 */
class FeatureAssemblerTests {

    private static final List<ModelSpec.FeatureSpec> FEATURES = List.of(ModelSpec.FeatureSpec.plain("a"),
            new ModelSpec.FeatureSpec("b", 0f, 1f, 9f));

    @Test
    void columnsArePackedRowByRowWithEachRowsFirstBadFeature() {
        // given: a is an INT64 column, b a DOUBLE column with a fill
        ColumnVector a = new ColumnVector(ColumnKind.INT64, 4);
        ColumnVector b = new ColumnVector(ColumnKind.DOUBLE, 4);
        a.appendLong(1);
        b.appendDouble(0.5);
        a.appendNull();
        b.appendDouble(Double.POSITIVE_INFINITY);
        a.appendLong(3);
        b.appendNull();

        // when
        FeatureAssembler.AssembledFeatures assembled = new FeatureAssembler(FEATURES).assemble(new ColumnVector[] {a, b}, 0, 3);

        // then: row 1's first bad feature is a (null, no fill); b's null in row 2 has a fill and stays NaN for the model
        assertThat(assembled.reason(0)).isNull();
        assertThat(assembled.reason(1)).isEqualTo(RejectReason.NULL_FEATURE);
        assertThat(assembled.message(1)).isEqualTo("feature 'a' is null and the model has no fill value for it");
        assertThat(assembled.reason(2)).isNull();
        FeatureBlock block = assembled.keepOnly(new int[] {0, 2}, 2);
        assertThat(block.rows()).isEqualTo(2);
        assertThat(block.values()).startsWith(1f, 0.5f, 3f, Float.NaN);
    }

    @Test
    void keepOnlyTakesTheCallersRowsInOrderAndRefusesAnythingElse() {
        // given
        ColumnVector a = new ColumnVector(ColumnKind.DOUBLE, 3);
        ColumnVector b = new ColumnVector(ColumnKind.DOUBLE, 3);
        for (int row = 0; row < 3; row++) {
            a.appendDouble(row);
            b.appendDouble(10 + row);
        }
        FeatureAssembler assembler = new FeatureAssembler(FEATURES);

        // when
        FeatureBlock block = assembler.assemble(new ColumnVector[] {a, b}, 0, 3).keepOnly(new int[] {1}, 1);

        // then
        assertThat(block.rows()).isEqualTo(1);
        assertThat(block.values()).startsWith(1f, 11f);
        assertThatThrownBy(() -> assembler.assemble(new ColumnVector[] {a, b}, 0, 3).keepOnly(new int[] {2, 1}, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("strictly increasing");
    }
}
