package io.nightshift.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.apache.parquet.bytes.BytesUtils;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Dictionary;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.page.DataPage;
import org.apache.parquet.column.page.DataPageV1;
import org.apache.parquet.column.page.DataPageV2;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageReader;
import org.apache.parquet.column.values.bitpacking.BytePacker;
import org.apache.parquet.column.values.bitpacking.Packer;

/**
 * The IO ceiling's decoding: a whole flat column chunk into one primitive array, page by page, with nothing but
 * parquet-java's page reader, its bit unpackers and {@code java.nio}. A PLAIN page is one bulk get from a
 * little-endian view of the decompressed bytes; a dictionary page gathers from the decoded dictionary after the
 * RLE/bit-packed indexes are unpacked in bulk; definition levels are decoded the same way and nulls (NaN, 0) spread in
 * place from the end. Other encodings are refused: the benchmark's files do not use them.
 *
 * <p>Written independently of Nightshift's reader on purpose: the ceiling must not inherit the product's choices.
 */
final class PageDecoding {

    private PageDecoding() {
    }

    static void readLongs(PageReader pages, ColumnDescriptor column, long[] out, int rows) throws IOException {
        Chunk chunk = new Chunk(pages, column);
        long[] dictionary = null;
        if (chunk.dictionary != null) {
            dictionary = new long[chunk.dictionary.getMaxId() + 1];
            Arrays.setAll(dictionary, chunk.dictionary::decodeToLong);
        }
        for (int at = 0; at < rows; at += chunk.rows) {
            chunk.nextPage();
            int present = chunk.present;
            if (chunk.dictionaryEncoded) {
                for (int i = 0; i < present; i++) {
                    out[at + i] = dictionary[chunk.indexes[i]];
                }
            } else {
                chunk.values.asLongBuffer().get(out, at, present);
            }
            if (present < chunk.rows) {
                boolean[] defined = chunk.defined;
                for (int i = chunk.rows - 1, next = present - 1; i >= 0; i--) {
                    out[at + i] = defined[i] ? out[at + next--] : 0;
                }
            }
        }
    }

    static void readFloats(PageReader pages, ColumnDescriptor column, float[] out, int rows) throws IOException {
        Chunk chunk = new Chunk(pages, column);
        float[] dictionary = null;
        if (chunk.dictionary != null) {
            dictionary = new float[chunk.dictionary.getMaxId() + 1];
            for (int id = 0; id < dictionary.length; id++) {
                dictionary[id] = chunk.dictionary.decodeToFloat(id);
            }
        }
        for (int at = 0; at < rows; at += chunk.rows) {
            chunk.nextPage();
            int present = chunk.present;
            if (chunk.dictionaryEncoded) {
                for (int i = 0; i < present; i++) {
                    out[at + i] = dictionary[chunk.indexes[i]];
                }
            } else {
                chunk.values.asFloatBuffer().get(out, at, present);
            }
            if (present < chunk.rows) {
                boolean[] defined = chunk.defined;
                for (int i = chunk.rows - 1, next = present - 1; i >= 0; i--) {
                    out[at + i] = defined[i] ? out[at + next--] : Float.NaN;
                }
            }
        }
    }

    static void readDoubles(PageReader pages, ColumnDescriptor column, double[] out, int rows) throws IOException {
        Chunk chunk = new Chunk(pages, column);
        double[] dictionary = null;
        if (chunk.dictionary != null) {
            dictionary = new double[chunk.dictionary.getMaxId() + 1];
            Arrays.setAll(dictionary, chunk.dictionary::decodeToDouble);
        }
        for (int at = 0; at < rows; at += chunk.rows) {
            chunk.nextPage();
            int present = chunk.present;
            if (chunk.dictionaryEncoded) {
                for (int i = 0; i < present; i++) {
                    out[at + i] = dictionary[chunk.indexes[i]];
                }
            } else {
                chunk.values.asDoubleBuffer().get(out, at, present);
            }
            if (present < chunk.rows) {
                boolean[] defined = chunk.defined;
                for (int i = chunk.rows - 1, next = present - 1; i >= 0; i--) {
                    out[at + i] = defined[i] ? out[at + next--] : Double.NaN;
                }
            }
        }
    }

    /** The pages of one column chunk; {@link #nextPage()} leaves the current page's levels and values decoded. */
    private static final class Chunk {
        private final PageReader pages;
        private final int maxDefinitionLevel;
        final Dictionary dictionary;
        int rows;
        int present;
        boolean[] defined = new boolean[0];
        boolean dictionaryEncoded;
        ByteBuffer values;
        int[] indexes = new int[0];
        private int[] levels = new int[0];

        Chunk(PageReader pages, ColumnDescriptor column) throws IOException {
            this.pages = pages;
            this.maxDefinitionLevel = column.getMaxDefinitionLevel();
            DictionaryPage dictionaryPage = pages.readDictionaryPage();
            this.dictionary = dictionaryPage == null ? null : dictionaryPage.getEncoding().initDictionary(column, dictionaryPage);
        }

        void nextPage() throws IOException {
            DataPage page = pages.readPage();
            rows = page.getValueCount();
            Encoding encoding;
            if (page instanceof DataPageV1 v1) {
                ByteBuffer bytes = littleEndian(v1.getBytes().toByteBuffer());
                int valuesStart = 0;
                if (maxDefinitionLevel > 0) {
                    if (v1.getDlEncoding() != Encoding.RLE) {
                        throw new UnsupportedOperationException("definition levels in " + v1.getDlEncoding());
                    }
                    int length = bytes.getInt(0);
                    decodeLevels(bytes.slice(4, length));
                    valuesStart = 4 + length;
                } else {
                    present = rows;
                }
                values = littleEndian(bytes.slice(valuesStart, bytes.limit() - valuesStart));
                encoding = v1.getValueEncoding();
            } else {
                DataPageV2 v2 = (DataPageV2) page;
                if (maxDefinitionLevel > 0) {
                    decodeLevels(v2.getDefinitionLevels().toByteBuffer());
                } else {
                    present = rows;
                }
                values = littleEndian(v2.getData().toByteBuffer());
                encoding = v2.getDataEncoding();
            }
            dictionaryEncoded = encoding.usesDictionary();
            if (dictionaryEncoded) {
                int bitWidth = values.get() & 0xFF;
                indexes = unpackHybrid(values.slice(), bitWidth, indexes, present);
            } else if (encoding != Encoding.PLAIN) {
                throw new UnsupportedOperationException("the IO ceiling decodes PLAIN and dictionary pages, not " + encoding);
            }
        }

        private void decodeLevels(ByteBuffer bytes) {
            levels = unpackHybrid(bytes, BytesUtils.getWidthFromMaxInt(maxDefinitionLevel), levels, rows);
            if (defined.length < rows) {
                defined = new boolean[rows];
            }
            int count = 0;
            for (int i = 0; i < rows; i++) {
                boolean isDefined = levels[i] == maxDefinitionLevel;
                defined[i] = isDefined;
                count += isDefined ? 1 : 0;
            }
            present = count;
        }

        private static ByteBuffer littleEndian(ByteBuffer buffer) {
            return buffer.slice().order(ByteOrder.LITTLE_ENDIAN);
        }
    }

    /**
     * Decodes {@code count} values of the RLE/bit-packed hybrid encoding into {@code out} (grown if needed, with room
     * for the padding of a last group of 8) and returns it.
     */
    static int[] unpackHybrid(ByteBuffer in, int bitWidth, int[] out, int count) {
        int[] values = out.length >= count + 8 ? out : new int[count + 8];
        BytePacker packer = Packer.LITTLE_ENDIAN.newBytePacker(bitWidth);
        int valueBytes = (bitWidth + 7) / 8;
        int at = 0;
        while (at < count) {
            int header = readUnsignedVarInt(in);
            if ((header & 1) == 0) {
                int value = 0;
                for (int i = 0; i < valueBytes; i++) {
                    value |= (in.get() & 0xFF) << (8 * i);
                }
                int end = Math.min(count, at + (header >>> 1));
                Arrays.fill(values, at, end, value);
                at = end;
            } else {
                for (int group = header >>> 1; group > 0 && at < count; group--) {
                    if (in.remaining() >= bitWidth) {
                        packer.unpack8Values(in, in.position(), values, at);
                        in.position(in.position() + bitWidth);
                    } else {
                        byte[] padded = new byte[bitWidth];
                        in.get(padded, 0, in.remaining());
                        packer.unpack8Values(padded, 0, values, at);
                    }
                    at += 8;
                }
            }
        }
        return values;
    }

    private static int readUnsignedVarInt(ByteBuffer in) {
        int value = 0;
        int shift = 0;
        int b;
        do {
            b = in.get() & 0xFF;
            value |= (b & 0x7F) << shift;
            shift += 7;
        } while ((b & 0x80) != 0);
        return value;
    }
}
