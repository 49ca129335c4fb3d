package io.nightshift.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nightshift.storage.LocalStorage;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.parquet.io.PositionOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StorageOutputFileTests {

    @TempDir
    Path directory;

    @Test
    void countsTheBytesWritten() throws IOException {
        Path path = directory.resolve("out.bin");
        StorageOutputFile file = new StorageOutputFile(new LocalStorage(), path.toUri().toString());
        long position;
        try (PositionOutputStream stream = file.create(0)) {
            stream.write(1);
            stream.write(new byte[100_000], 0, 99_999);
            position = stream.getPos();
        }

        assertThat(position).isEqualTo(100_000);
        assertThat(Files.size(path)).isEqualTo(100_000);
    }

    @Test
    void neverOverwritesAnExistingFile() throws IOException {
        Path path = directory.resolve("out.bin");
        Files.writeString(path, "kept");
        StorageOutputFile file = new StorageOutputFile(new LocalStorage(), path.toUri().toString());

        assertThatThrownBy(() -> file.createOrOverwrite(0)).isInstanceOf(FileAlreadyExistsException.class);
        assertThat(Files.readString(path)).isEqualTo("kept");
    }
}
