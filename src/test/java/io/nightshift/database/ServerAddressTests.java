package io.nightshift.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file through which the embedded database's server tells commands where it listens and which key opens it. */
class ServerAddressTests {

    private static final String KEY = "00112233445566778899aabbccddeeff";

    @TempDir
    Path directory;

    @Test
    void aWrittenAddressReadsBackAsTheSameAddress() throws Exception {
        // given
        Path file = directory.resolve("server.properties");
        ServerAddress address = new ServerAddress(40_123, KEY, 4242);

        // when
        address.write(file);

        // then
        assertThat(ServerAddress.read(file)).contains(address);
        assertThat(address.jdbcUrl()).isEqualTo("jdbc:h2:tcp://127.0.0.1:40123/" + KEY);
    }

    @Test
    void theFileIsReadableByItsOwnerOnly() throws Exception {
        // given
        assumeThat(FileSystems.getDefault().supportedFileAttributeViews()).as("POSIX permissions").contains("posix");
        Path file = directory.resolve("server.properties");

        // when
        new ServerAddress(40_123, KEY, 4242).write(file);

        // then
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    @Test
    void aMissingOrUnreadableFileIsNoAddress() throws Exception {
        // given
        Path missing = directory.resolve("none.properties");
        Path torn = Files.writeString(directory.resolve("torn.properties"), "port=401");

        // when / then
        assertThat(ServerAddress.read(missing)).isEmpty();
        assertThat(ServerAddress.read(torn)).isEmpty();
    }

    @Test
    void aStoppingServerRemovesItsOwnAddressButNotANewerServersOne() throws Exception {
        // given
        Path file = directory.resolve("server.properties");
        ServerAddress old = new ServerAddress(40_123, KEY, 4242);
        ServerAddress newer = new ServerAddress(40_124, KEY.replace('0', '1'), 4343);
        newer.write(file);

        // when
        old.deleteIfCurrent(file);

        // then
        assertThat(ServerAddress.read(file)).contains(newer);
        newer.deleteIfCurrent(file);
        assertThat(file).doesNotExist();
    }

    @Test
    void theKeyNeverAppearsInTheAddressAsPrinted() {
        assertThat(new ServerAddress(40_123, KEY, 4242).toString()).isEqualTo("127.0.0.1:40123 (pid 4242)").doesNotContain(KEY);
    }

    @Test
    void aShortKeyOrAPortOutOfRangeIsRejected() {
        assertThatThrownBy(() -> new ServerAddress(40_123, "abc", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ServerAddress(70_000, KEY, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
