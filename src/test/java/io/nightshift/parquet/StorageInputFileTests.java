package io.nightshift.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nightshift.parquet.CountingStorage.RangeRead;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.apache.parquet.io.SeekableInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StorageInputFileTests {

    private static final int FILE_BYTES = 300 * 1024;

    @TempDir
    Path directory;

    private final CountingStorage storage = new CountingStorage();
    private byte[] content;
    private String uri;

    @BeforeEach
    void writeFile() throws IOException {
        content = new byte[FILE_BYTES];
        new Random(11).nextBytes(content);
        Path path = directory.resolve("data.bin");
        Files.write(path, content);
        uri = path.toUri().toString();
    }

    @Test
    void reportsTheFileLength() throws IOException {
        assertThat(new StorageInputFile(storage, uri).getLength()).isEqualTo(FILE_BYTES);
    }

    @Test
    void servesManySmallSequentialReadsFromOneRangedRead() throws IOException {
        try (SeekableInputStream stream = new StorageInputFile(storage, uri).newStream()) {
            stream.seek(1000);
            for (int i = 0; i < 500; i++) {
                stream.read();
            }
            byte[] eight = new byte[8];
            for (int i = 0; i < 100; i++) {
                stream.readFully(eight);
            }
        }

        assertThat(storage.reads()).hasSize(1);
    }

    @Test
    void readsAFooterNearTheEndWithOneRangedRead() throws IOException {
        try (SeekableInputStream stream = new StorageInputFile(storage, uri).newStream()) {
            stream.seek(FILE_BYTES - 8);
            stream.readFully(new byte[8]);
            stream.seek(FILE_BYTES - 8 - 20_000);
            stream.readFully(new byte[20_000]);
        }

        assertThat(storage.reads()).containsExactly(new RangeRead(FILE_BYTES - 64 * 1024, 64 * 1024));
    }

    @Test
    void servesALargeReadWithExactlyOneRangedReadOfThatRange() throws IOException {
        try (SeekableInputStream stream = new StorageInputFile(storage, uri).newStream()) {
            stream.seek(10);
            stream.readFully(ByteBuffer.allocate(150 * 1024));
        }

        assertThat(storage.reads()).containsExactly(new RangeRead(10, 150 * 1024));
    }

    @Test
    void returnsTheFilesBytesWhateverTheMixOfSeeksReadsAndBuffers() throws IOException {
        Random random = new Random(3);
        try (SeekableInputStream stream = new StorageInputFile(storage, uri).newStream()) {
            for (int i = 0; i < 300; i++) {
                int position = random.nextInt(FILE_BYTES);
                int length = Math.min(FILE_BYTES - position, random.nextBoolean() ? random.nextInt(100) : random.nextInt(100_000));
                stream.seek(position);
                byte[] read = new byte[length];
                switch (i % 4) {
                    case 0 -> stream.readFully(read);
                    case 1 -> stream.readFully(ByteBuffer.wrap(read));
                    case 2 -> {
                        ByteBuffer direct = ByteBuffer.allocateDirect(length);
                        stream.readFully(direct);
                        direct.flip().get(read);
                    }
                    default -> {
                        for (int b = 0; b < length; b++) {
                            read[b] = (byte) stream.read();
                        }
                    }
                }

                assertThat(read).as("bytes at %d..%d", position, position + length)
                        .isEqualTo(Arrays.copyOfRange(content, position, position + length));
                assertThat(stream.getPos()).isEqualTo(position + length);
            }
        }
    }

    @Test
    void signalsTheEndOfTheFileToPartialReads() throws IOException {
        try (SeekableInputStream stream = new StorageInputFile(storage, uri).newStream()) {
            stream.seek(FILE_BYTES - 3);
            byte[] buffer = new byte[10];

            int first = stream.read(buffer, 0, 10);
            int second = stream.read(buffer, 0, 10);
            int single = stream.read();

            assertThat(first).isEqualTo(3);
            assertThat(second).isEqualTo(-1);
            assertThat(single).isEqualTo(-1);
        }
    }

    @Test
    void failsAFullReadPastTheEndNamingTheFile() throws IOException {
        try (SeekableInputStream stream = new StorageInputFile(storage, uri).newStream()) {
            stream.seek(FILE_BYTES - 3);

            assertThatThrownBy(() -> stream.readFully(new byte[10]))
                    .isInstanceOf(EOFException.class)
                    .hasMessageContaining(uri);
        }
    }

    @Test
    void refusesToSeekPastTheEnd() throws IOException {
        try (SeekableInputStream stream = new StorageInputFile(storage, uri).newStream()) {
            assertThatThrownBy(() -> stream.seek(FILE_BYTES + 1)).isInstanceOf(EOFException.class).hasMessageContaining(uri);
        }
    }

    @Test
    void readsOfAParquetFileCostFewRangedReads() throws IOException {
        String parquetUri = directory.resolve("numbers.parquet").toUri().toString();
        TestParquetFiles.writeNumbers(storage, parquetUri, 20_000, WriterOptions.defaults());
        storage.forgetReads();

        try (ColumnarParquetReader reader = ColumnarParquetReader.openAll(storage, parquetUri, java.util.List.of("x"))) {
            TestParquetFiles.readRest(reader, 4096);
        }

        // One window for the footer, one read for the single row group's "x" chunk.
        assertThat(storage.reads()).hasSize(2);
    }
}
