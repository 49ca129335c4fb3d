package io.nightshift.storage;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalStorageTests {

    private final LocalStorage storage = new LocalStorage();

    @TempDir
    Path root;

    @Test
    void listingAFileReturnsJustThatFile() throws IOException {
        Path file = write("in/part-0.parquet", "abc");

        List<StorageFile> files = storage.list(file.toString());

        assertThat(files).extracting(StorageFile::uri, StorageFile::size).containsExactly(tuple(file.toUri().toString(), 3L));
    }

    @Test
    void listingADirectoryReturnsItsDataFilesSortedAndSkipsUnderscoreAndDotFiles() throws IOException {
        write("in/part-1.parquet", "1");
        write("in/part-0.parquet", "0");
        write("in/_SUCCESS", "");
        write("in/.part-0.parquet.crc", "x");
        write("in/nested/part-9.parquet", "9");

        List<StorageFile> files = storage.list(root.resolve("in").toString());

        assertThat(files).extracting(StorageFile::name).containsExactly("part-0.parquet", "part-1.parquet");
    }

    @Test
    void aSingleStarGlobMatchesFilesInOneDirectoryLevelOnly() throws IOException {
        write("in/a.parquet", "a");
        write("in/b.csv", "b");
        write("in/_c.parquet", "c");
        write("in/nested/d.parquet", "d");

        List<StorageFile> files = storage.list(root.resolve("in") + "/*.parquet");

        assertThat(files).extracting(StorageFile::name).containsExactly("a.parquet");
    }

    @Test
    void aDoubleStarGlobCrossesDirectoryLevels() throws IOException {
        write("in/a.parquet", "a");
        write("in/nested/d.parquet", "d");
        write("in/nested/.d.parquet.crc", "x");

        List<StorageFile> files = storage.list(root.resolve("in") + "/**.parquet");

        assertThat(files).extracting(StorageFile::name).containsExactly("a.parquet", "d.parquet");
    }

    @Test
    void listingAMissingLocationReturnsAnEmptyList() throws IOException {
        assertThat(storage.list(root.resolve("missing").toString())).isEmpty();
        assertThat(storage.list(root.resolve("missing") + "/*.parquet")).isEmpty();
    }

    @Test
    void createFailsWhenTheFileAlreadyExists() throws IOException {
        Path file = write("out/part-0.parquet", "old");

        assertThatThrownBy(() -> storage.create(file.toString())).isInstanceOf(FileAlreadyExistsException.class);
        assertThat(Files.readString(file)).isEqualTo("old");
    }

    @Test
    void createWritesANewFileInMissingDirectories() throws IOException {
        String uri = storage.resolve(root.toString(), "out/deep/part-0.parquet");

        try (OutputStream out = storage.create(uri)) {
            out.write("new".getBytes(UTF_8));
        }

        assertThat(storage.readAll(uri)).asString(UTF_8).isEqualTo("new");
    }

    @Test
    void createIfAbsentCreatesTheFileWhenNothingIsThere() throws IOException {
        String uri = root.resolve("manifest.json").toString();

        boolean created = storage.createIfAbsent(uri, "first".getBytes(UTF_8));

        assertThat(created).isTrue();
        assertThat(storage.readAll(uri)).asString(UTF_8).isEqualTo("first");
    }

    @Test
    void createIfAbsentReturnsFalseAndLeavesTheExistingContentAlone() throws IOException {
        String uri = root.resolve("manifest.json").toString();
        storage.createIfAbsent(uri, "first".getBytes(UTF_8));

        boolean created = storage.createIfAbsent(uri, "second".getBytes(UTF_8));

        assertThat(created).isFalse();
        assertThat(storage.readAll(uri)).asString(UTF_8).isEqualTo("first");
    }

    @Test
    void readingPastTheEndThrowsEofExceptionNamingTheFile() throws IOException {
        Path file = write("data.bin", "0123456789");

        try (RangeReader reader = storage.openForRead(file.toString())) {
            assertThatThrownBy(() -> reader.readFully(8, new byte[4], 0, 4))
                    .isInstanceOf(EOFException.class)
                    .hasMessageContaining(file.toString());
        }
    }

    @Test
    void rangedReadsReturnTheBytesAtTheGivenOffset() throws IOException {
        Path file = write("data.bin", "0123456789");
        byte[] buffer = new byte[6];

        try (RangeReader reader = storage.openForRead(file.toString())) {
            reader.readFully(3, buffer, 1, 4);
        }

        assertThat(new String(buffer, 1, 4, UTF_8)).isEqualTo("3456");
    }

    @Test
    void checkWritableFailsWhenAFileStandsWhereTheDirectoryShouldBe() throws IOException {
        Path file = write("not-a-directory", "x");

        assertThatThrownBy(() -> storage.checkWritable(file.toString()))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(file.toString());
    }

    @Test
    void checkWritableFailsOnAReadOnlyDirectory() throws IOException {
        Path directory = Files.createDirectory(root.resolve("read-only"));
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            assumeFalse(Files.isWritable(directory), "running as root: permissions do not stop writes");

            assertThatThrownBy(() -> storage.checkWritable(directory.toString()))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining(directory.toString());
        } finally {
            Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void checkWritableLeavesNothingBehind() throws IOException {
        Path directory = Files.createDirectory(root.resolve("out"));

        storage.checkWritable(directory.toString());

        try (java.util.stream.Stream<Path> children = Files.list(directory)) {
            assertThat(children).isEmpty();
        }
    }

    @Test
    void checkReachableAcceptsADirectoryAndOneNotCreatedYetUnderIt() throws IOException {
        Path directory = Files.createDirectory(root.resolve("in"));

        storage.checkReachable(directory.toString());
        storage.checkReachable(directory.resolve("2026-12-02/").toString());
    }

    @Test
    void checkReachableFailsWhenAFileStandsWhereTheDirectoryShouldBe() throws IOException {
        Path file = write("not-a-directory", "x");

        assertThatThrownBy(() -> storage.checkReachable(file.resolve("below").toString()))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(file + " is not a directory");
    }

    @Test
    void aReaderPinnedToAVersionRefusesAFileReplacedSincePlanning() throws IOException {
        Path file = write("in/part-0.parquet", "version one");
        String planned = storage.stat(file.toString()).orElseThrow().version();
        Files.writeString(file, "version two, longer");

        assertThatThrownBy(() -> storage.openForRead(file.toString(), planned))
                .isInstanceOf(FileChangedException.class)
                .hasMessageContaining(file.toUri().toString())
                .hasMessageContaining(planned);
    }

    @Test
    void replaceSwapsTheContentOnlyWhileTheVersionIsTheExpectedOne() throws IOException {
        Path file = write("out/_manifest.json", "old");
        String version = storage.stat(file.toString()).orElseThrow().version();

        assertThat(storage.replace(file.toString(), "new content".getBytes(UTF_8), version)).isTrue();
        assertThat(storage.replace(file.toString(), "newer".getBytes(UTF_8), version)).isFalse();

        assertThat(Files.readString(file)).isEqualTo("new content");
        try (var files = Files.list(file.getParent())) {
            assertThat(files).as("nothing but the file itself in its directory").containsExactly(file);
        }
    }

    @Test
    void removesTheTemporariesNoWriterHoldsAndKeepsAWriteInFlight() throws Exception {
        String uuid = "6e671620-170a-4d31-aac5-3ef5576c4e4a";
        Path dead = write("out/._SUCCESS." + uuid + ".tmp", "run 1");
        Path deadNested = write("out/_rejects/._claim.json." + uuid + ".tmp", "{}");
        Path inFlight = write("out/._manifest.json." + uuid + ".tmp", "{}");
        Path part = write("out/part-r000001-abcdef12-p00000-c000000-e001-a000001.parquet", "p");
        Path foreign = write("out/.other.tmp", "x");

        List<String> removed;
        try (FileChannel writer = FileChannel.open(inFlight, StandardOpenOption.WRITE); FileLock ignored = writer.lock()) {
            removed = storage.removeAbandonedTemporaries(root.resolve("out").toString());
        }

        assertThat(removed).containsExactlyInAnyOrder(dead.toUri().toString(), deadNested.toUri().toString());
        assertThat(dead).doesNotExist();
        assertThat(deadNested).doesNotExist();
        assertThat(inFlight).exists();
        assertThat(part).exists();
        assertThat(foreign).exists();
    }

    @Test
    void createIfAbsentAndReplaceLeaveNoTemporaryBehind() throws IOException {
        String uri = root.resolve("out/_manifest.json").toString();

        assertThat(storage.createIfAbsent(uri, "one".getBytes(UTF_8))).isTrue();
        assertThat(storage.createIfAbsent(uri, "two".getBytes(UTF_8))).isFalse();
        assertThat(storage.replace(uri, "three".getBytes(UTF_8), storage.stat(uri).orElseThrow().version())).isTrue();

        assertThat(Files.readString(root.resolve("out/_manifest.json"))).isEqualTo("three");
        try (var files = Files.list(root.resolve("out"))) {
            assertThat(files.map(file -> file.getFileName().toString())).containsExactly("_manifest.json");
        }
    }

    private Path write(String relative, String content) throws IOException {
        Path file = root.resolve(relative);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, content);
    }
}
