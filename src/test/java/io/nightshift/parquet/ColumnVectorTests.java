package io.nightshift.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ColumnVectorTests {

    @Test
    void compactKeepsTheChosenRowsInOrderWithTheirNullFlags() {
        ColumnVector vector = doubles(0.0, 1.0, null, 3.0, 4.0);

        vector.compact(new int[] {1, 2, 4, 99}, 3);

        assertThat(vector.size()).isEqualTo(3);
        assertThat(vector.getDouble(0)).isEqualTo(1.0);
        assertThat(vector.isNull(1)).isTrue();
        assertThat(vector.getDouble(2)).isEqualTo(4.0);
    }

    @Test
    void compactDropsReferencesToRemovedStrings() {
        ColumnVector vector = new ColumnVector(ColumnKind.STRING, 3);
        vector.appendString("a");
        vector.appendString("b");
        vector.appendString("c");

        vector.compact(new int[] {2}, 1);

        assertThat(vector.getString(0)).isEqualTo("c");
        assertThat(vector.binaries()[1]).isNull();
        assertThat(vector.binaries()[2]).isNull();
    }

    @Test
    void compactRejectsIndexesThatAreNotStrictlyIncreasing() {
        ColumnVector vector = doubles(0.0, 1.0, 2.0);

        assertThatThrownBy(() -> vector.compact(new int[] {1, 1}, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("strictly increasing");
    }

    @Test
    void compactRejectsIndexesBeyondTheSize() {
        ColumnVector vector = doubles(0.0, 1.0);

        assertThatThrownBy(() -> vector.compact(new int[] {0, 2}, 2)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void growsKeepingItsValues() {
        ColumnVector vector = new ColumnVector(ColumnKind.INT64, 1);
        for (long i = 0; i < 1000; i++) {
            vector.appendLong(i * 3);
        }

        assertThat(vector.size()).isEqualTo(1000);
        assertThat(vector.getLong(0)).isZero();
        assertThat(vector.getLong(999)).isEqualTo(2997);
    }

    @Test
    void appendRangeCopiesValuesAndNullFlags() {
        ColumnVector source = doubles(0.0, null, 2.0, 3.0);
        ColumnVector target = doubles(9.0);

        target.appendRange(source, 1, 2);

        assertThat(target.size()).isEqualTo(3);
        assertThat(target.getDouble(0)).isEqualTo(9.0);
        assertThat(target.isNull(1)).isTrue();
        assertThat(target.getDouble(2)).isEqualTo(2.0);
    }

    @Test
    void appendRangeRejectsAVectorKeepingValuesInAnotherArray() {
        ColumnVector target = new ColumnVector(ColumnKind.DOUBLE, 1);
        ColumnVector source = new ColumnVector(ColumnKind.INT64, 1);
        source.appendLong(1);

        assertThatThrownBy(() -> target.appendRange(source, 0, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Cannot append INT64 values to a DOUBLE vector");
    }

    @Test
    void clearEmptiesTheVectorButKeepsItsCapacity() {
        ColumnVector vector = doubles(1.0, 2.0);
        int capacity = vector.capacity();

        vector.clear();

        assertThat(vector.size()).isZero();
        assertThat(vector.capacity()).isEqualTo(capacity);
    }

    @Test
    void aNullDoubleHoldsNaNAndANullLongHoldsZero() {
        ColumnVector doubles = doubles(5.0);
        doubles.setNull(0);
        ColumnVector longs = new ColumnVector(ColumnKind.INT32, 1);
        longs.appendLong(5);
        longs.setNull(0);

        assertThat(doubles.doubles()[0]).isNaN();
        assertThat(longs.longs()[0]).isZero();
    }

    @Test
    void settingAValueClearsTheNullFlag() {
        ColumnVector vector = doubles((Double) null);

        vector.setDouble(0, 1.5);

        assertThat(vector.isNull(0)).isFalse();
        assertThat(vector.getDouble(0)).isEqualTo(1.5);
    }

    @Test
    void refusesToReadTheWrongArray() {
        ColumnVector vector = new ColumnVector(ColumnKind.INT64, 1);
        vector.appendLong(1);

        assertThatThrownBy(() -> vector.getDouble(0))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("A INT64 vector has no double values");
    }

    @Test
    void refusesRowsBeyondTheSize() {
        ColumnVector vector = new ColumnVector(ColumnKind.INT64, 10);
        vector.appendLong(1);

        assertThatThrownBy(() -> vector.getLong(1)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void cannotHoldUnsupportedKinds() {
        assertThatThrownBy(() -> new ColumnVector(ColumnKind.OTHER, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    private static ColumnVector doubles(Double... values) {
        ColumnVector vector = new ColumnVector(ColumnKind.DOUBLE, values.length);
        for (Double value : values) {
            if (value == null) {
                vector.appendNull();
            } else {
                vector.appendDouble(value);
            }
        }
        return vector;
    }
}
