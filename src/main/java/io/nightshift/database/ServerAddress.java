package io.nightshift.database;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Properties;

/**
 * Where the embedded database's server listens and the key a client must present, as the server publishes them in
 * a file of the database directory. The file is readable by its owner only: the key is what keeps other local users
 * out (the server accepts no database name but the key, see {@link DatabaseServer}).
 *
 * @param port TCP port on 127.0.0.1
 * @param key  the secret database name the server maps to the embedded database
 * @param pid  the server's process id, for diagnostics and for tests that must see it gone
 */
record ServerAddress(int port, String key, long pid) {

    ServerAddress {
        requireNonNull(key, "key is null");
        if (port <= 0 || port > 65_535) {
            throw new IllegalArgumentException("port " + port + " is not a TCP port");
        }
        if (!key.matches("[0-9a-f]{32,}")) {
            throw new IllegalArgumentException("key must be at least 32 lowercase hex digits");
        }
    }

    /** The H2 URL a client connects with. */
    String jdbcUrl() {
        return "jdbc:h2:tcp://127.0.0.1:" + port + "/" + key;
    }

    /**
     * The address in {@code file}, or empty if there is none or it cannot be parsed (a server that died while
     * writing it; the atomic rename below makes that unlikely, but a reader must not fail on it).
     */
    static Optional<ServerAddress> read(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        Properties properties = new Properties();
        properties.load(new StringReader(text));
        try {
            return Optional.of(new ServerAddress(Integer.parseInt(properties.getProperty("port", "")),
                    properties.getProperty("key", ""), Long.parseLong(properties.getProperty("pid", ""))));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * Publishes this address: written to a temporary file created owner-only, then renamed over {@code file}, so
     * readers see the old address or the new one, never half of one, and the key is never readable by others.
     */
    void write(Path file) throws IOException {
        Path temporary = file.resolveSibling(file.getFileName() + "." + pid + ".tmp");
        Files.deleteIfExists(temporary);
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(temporary, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } else {
            Files.createFile(temporary);
        }
        Files.writeString(temporary, "port=" + port + "\nkey=" + key + "\npid=" + pid + "\n", StandardCharsets.UTF_8);
        try {
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Removes {@code file} if it still holds this address (a newer server may have replaced it). */
    void deleteIfCurrent(Path file) throws IOException {
        if (read(file).filter(this::equals).isPresent()) {
            Files.deleteIfExists(file);
        }
    }

    @Override
    public String toString() {
        // Never the key: this ends up in logs and messages.
        return "127.0.0.1:" + port + " (pid " + pid + ")";
    }
}
