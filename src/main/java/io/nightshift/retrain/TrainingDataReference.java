package io.nightshift.retrain;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;

/**
 * Which data a model was trained on: the location as given, every file it named with its version and rows, and one
 * sha256 over the files' identities. The hash is over versions, not bytes, so it costs nothing beyond the listing and
 * footers training reads anyway: sha256 of the lines {@code uri TAB version TAB footer-crc32c LF}, sorted by URI. A
 * version is the S3 ETag or, locally, size and modification time; the footer checksum (CRC-32C of the Parquet footer,
 * which holds every column chunk's offsets and statistics) catches a local file rewritten under the same size and time.
 *
 * @param uri the training location (file, directory or glob), normalized
 * @param rows rows in all files, including rows training skipped
 * @param sha256 hex sha256 of the files' identities, as above
 */
public record TrainingDataReference(String uri, long rows, String sha256, List<TrainingFile> files) {

    public TrainingDataReference {
        requireNonNull(uri, "uri is null");
        requireNonNull(sha256, "sha256 is null");
        files = List.copyOf(requireNonNull(files, "files is null"));
        if (rows < 0) {
            throw new IllegalArgumentException("rows is negative: " + rows);
        }
    }

    /** One file read for training. */
    public record TrainingFile(String uri, String version, long footerChecksum, long rows) {
        public TrainingFile {
            requireNonNull(uri, "uri is null");
            requireNonNull(version, "version is null");
            if (rows < 0) {
                throw new IllegalArgumentException("rows is negative: " + rows);
            }
        }
    }

    static TrainingDataReference of(String uri, List<TrainingFile> files) {
        List<TrainingFile> sorted = files.stream().sorted(Comparator.comparing(TrainingFile::uri)).toList();
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (TrainingFile file : sorted) {
                digest.update((file.uri() + '\t' + file.version() + '\t' + Long.toHexString(file.footerChecksum()) + '\n')
                        .getBytes(StandardCharsets.UTF_8));
            }
            long rows = sorted.stream().mapToLong(TrainingFile::rows).sum();
            return new TrainingDataReference(uri, rows, HexFormat.of().formatHex(digest.digest()), sorted);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
