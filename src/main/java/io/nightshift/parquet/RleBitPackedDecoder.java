package io.nightshift.parquet;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.apache.parquet.column.values.bitpacking.BytePacker;
import org.apache.parquet.column.values.bitpacking.Packer;

/**
 * Decodes Parquet's RLE/bit-packed hybrid encoding (definition levels, dictionary indexes) many values at a time:
 * a run-length run becomes one {@code Arrays.fill}, a bit-packed run is unpacked eight values per call. parquet-java's
 * own decoder returns one value per virtual call, which is most of the cost of reading a nullable or
 * dictionary-encoded column.
 *
 * <p>Reads {@code buffer} from its position to its limit; a run that claims more bytes than are left fails with an
 * {@link IndexOutOfBoundsException} or {@link java.nio.BufferUnderflowException}, which the reader reports as
 * corrupt data. Not thread-safe.
 */
final class RleBitPackedDecoder {

    private static final int GROUP = 8;

    private final ByteBuffer buffer;
    private final int bitWidth;
    private final int rleValueBytes;
    private final BytePacker packer;
    private final int[] group = new int[GROUP];
    private final byte[] paddedGroup;
    private int[] levelScratch = new int[0];

    private int runRemaining;
    private boolean rleRun;
    private int rleValue;
    /** Position in {@link #group} of the next value of a bit-packed run; {@value #GROUP} when none is unpacked. */
    private int groupPosition = GROUP;

    /** Decodes {@code buffer}'s remaining bytes; values take {@code bitWidth} bits (0 to 32). */
    RleBitPackedDecoder(ByteBuffer buffer, int bitWidth) {
        if (bitWidth < 0 || bitWidth > 32) {
            throw new IllegalArgumentException("bit width must be between 0 and 32, got " + bitWidth);
        }
        this.buffer = buffer;
        this.bitWidth = bitWidth;
        this.rleValueBytes = (bitWidth + 7) / 8;
        this.packer = Packer.LITTLE_ENDIAN.newBytePacker(bitWidth);
        this.paddedGroup = new byte[bitWidth];
    }

    /** Decodes the next {@code count} values into {@code out[offset..offset + count)}. */
    void read(int[] out, int offset, int count) {
        int position = offset;
        int end = offset + count;
        while (position < end) {
            if (runRemaining == 0) {
                readRunHeader();
            }
            int take = Math.min(end - position, runRemaining);
            if (rleRun) {
                Arrays.fill(out, position, position + take, rleValue);
                position += take;
                runRemaining -= take;
            } else {
                position = readPacked(out, position, take);
            }
        }
    }

    /**
     * Decodes the next {@code count} definition levels as null flags into {@code nulls[offset..offset + count)}: a row
     * is null unless its level is {@code definedLevel}. Returns how many rows are not null. A run-length run (the usual
     * case: a stretch without nulls) costs one {@code Arrays.fill}.
     */
    int readNulls(boolean[] nulls, int offset, int count, int definedLevel) {
        int position = offset;
        int end = offset + count;
        int present = 0;
        while (position < end) {
            if (runRemaining == 0) {
                readRunHeader();
            }
            int take = Math.min(end - position, runRemaining);
            if (rleRun) {
                boolean isNull = rleValue != definedLevel;
                Arrays.fill(nulls, position, position + take, isNull);
                present += isNull ? 0 : take;
                runRemaining -= take;
            } else {
                if (levelScratch.length < take) {
                    levelScratch = new int[Math.max(take, 2 * levelScratch.length)];
                }
                int[] levels = levelScratch;
                readPacked(levels, 0, take);
                for (int i = 0; i < take; i++) {
                    boolean isNull = levels[i] != definedLevel;
                    nulls[position + i] = isNull;
                    present += isNull ? 0 : 1;
                }
            }
            position += take;
        }
        return present;
    }

    /** Copies {@code take} values of the current bit-packed run, unpacking whole groups straight into {@code out}. */
    private int readPacked(int[] out, int position, int take) {
        int end = position + take;
        while (position < end) {
            if (groupPosition == GROUP && end - position >= GROUP) {
                unpackGroup(out, position);
                position += GROUP;
                runRemaining -= GROUP;
                continue;
            }
            if (groupPosition == GROUP) {
                unpackGroup(group, 0);
                groupPosition = 0;
            }
            int copy = Math.min(end - position, GROUP - groupPosition);
            System.arraycopy(group, groupPosition, out, position, copy);
            groupPosition += copy;
            position += copy;
            runRemaining -= copy;
        }
        return position;
    }

    private void unpackGroup(int[] out, int offset) {
        int start = buffer.position();
        if (buffer.remaining() >= bitWidth) {
            packer.unpack8Values(buffer, start, out, offset);
            buffer.position(start + bitWidth);
            return;
        }
        if (!buffer.hasRemaining()) {
            throw new IllegalStateException("bit-packed run ends after the last byte of its page");
        }
        // Some writers drop the padding of the last group; parquet-java reads those pages, so do the same.
        Arrays.fill(paddedGroup, (byte) 0);
        buffer.get(paddedGroup, 0, buffer.remaining());
        packer.unpack8Values(paddedGroup, 0, out, offset);
    }

    private void readRunHeader() {
        int header = readUnsignedVarInt();
        if ((header & 1) == 0) {
            rleRun = true;
            runRemaining = header >>> 1;
            int value = 0;
            for (int i = 0; i < rleValueBytes; i++) {
                value |= (buffer.get() & 0xFF) << (8 * i);
            }
            rleValue = value;
        } else {
            rleRun = false;
            runRemaining = (header >>> 1) * GROUP;
            groupPosition = GROUP;
        }
        if (runRemaining <= 0) {
            throw new IllegalStateException("RLE/bit-packed run of " + runRemaining + " values (header " + header + ")");
        }
    }

    private int readUnsignedVarInt() {
        int value = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            int b = buffer.get() & 0xFF;
            value |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new IllegalStateException("RLE/bit-packed run header is longer than 5 bytes");
    }
}
