package io.nightshift.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.apache.parquet.bytes.HeapByteBufferAllocator;
import org.apache.parquet.column.values.rle.RunLengthBitPackingHybridEncoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RleBitPackedDecoderTests {

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 7, 8, 13, 20, 31, 32})
    void decodesWhatParquetJavasEncoderWroteInBatchesOfAnySize(int bitWidth) throws IOException {
        // given: runs of repeats (RLE) and of changing values (bit-packed), of lengths that are not multiples of 8
        SplittableRandom random = new SplittableRandom(bitWidth);
        int[] values = new int[10_000];
        long bound = bitWidth == 32 ? 1L << 32 : 1L << bitWidth;
        for (int i = 0; i < values.length; ) {
            int run = 1 + random.nextInt(40);
            boolean repeat = random.nextBoolean();
            int value = (int) random.nextLong(bound);
            for (int j = 0; j < run && i < values.length; j++, i++) {
                values[i] = repeat ? value : (int) random.nextLong(bound);
            }
        }
        ByteBuffer encoded = encode(bitWidth, values);

        // when: read in batches of 1 to 100 values
        RleBitPackedDecoder decoder = new RleBitPackedDecoder(encoded, bitWidth);
        int[] decoded = new int[values.length];
        for (int offset = 0; offset < values.length; ) {
            int count = Math.min(values.length - offset, 1 + random.nextInt(100));
            decoder.read(decoded, offset, count);
            offset += count;
        }

        // then
        assertThat(decoded).containsExactly(values);
    }

    @Test
    void decodesDefinitionLevelsAsNullFlagsAndCountsTheRowsThatAreNotNull() throws IOException {
        // given: long stretches without nulls (RLE runs) and stretches of scattered nulls (bit-packed runs)
        SplittableRandom random = new SplittableRandom(3);
        int[] levels = new int[5_000];
        for (int i = 0; i < levels.length; i++) {
            levels[i] = (i / 500) % 2 == 0 ? 1 : (random.nextInt(3) == 0 ? 0 : 1);
        }
        RleBitPackedDecoder decoder = new RleBitPackedDecoder(encode(1, levels), 1);

        // when
        boolean[] nulls = new boolean[levels.length];
        int present = 0;
        for (int offset = 0; offset < levels.length; ) {
            int count = Math.min(levels.length - offset, 1 + random.nextInt(700));
            present += decoder.readNulls(nulls, offset, count, 1);
            offset += count;
        }

        // then
        for (int i = 0; i < levels.length; i++) {
            assertThat(nulls[i]).as("null flag of row %d", i).isEqualTo(levels[i] == 0);
        }
        assertThat(present).isEqualTo((int) Arrays.stream(levels).filter(level -> level == 1).count());
    }

    @Test
    void failsWhenARunClaimsMoreBytesThanThePageHolds() throws IOException {
        // given: 64 bit-packed values of 5 bits, cut after 3 of their 40 bytes
        int[] values = new int[64];
        Arrays.setAll(values, i -> i % 32);
        ByteBuffer encoded = encode(5, values);
        ByteBuffer truncated = encoded.slice(0, 4);
        RleBitPackedDecoder decoder = new RleBitPackedDecoder(truncated, 5);

        // when/then
        assertThatThrownBy(() -> decoder.read(new int[64], 0, 64)).isInstanceOf(IllegalStateException.class)
                .hasMessage("bit-packed run ends after the last byte of its page");
    }

    private static ByteBuffer encode(int bitWidth, int[] values) throws IOException {
        try (RunLengthBitPackingHybridEncoder encoder = new RunLengthBitPackingHybridEncoder(bitWidth, 64, 1 << 20,
                HeapByteBufferAllocator.getInstance())) {
            for (int value : values) {
                encoder.writeInt(value);
            }
            return ByteBuffer.wrap(encoder.toBytes().toByteArray());
        }
    }
}
