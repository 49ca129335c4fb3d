package io.nightshift.model;

import io.nightshift.storage.Storage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Finds a model at a user-given location (a bare {@code .onnx} file, or a directory holding {@code model.onnx} and
 * optionally {@code model.yaml}) on any {@link Storage}, verifies an expected sha256 when a relaunch pins one, and
 * keeps a local copy under the cache directory keyed by sha256 (ONNX Runtime loads from a local file).
 */
public final class ModelResolver {

    static final String MODEL_FILE = "model.onnx";
    static final String SPEC_FILE = "model.yaml";

    private final Storage storage;
    private final Path cacheDirectory;

    public ModelResolver(Storage storage, Path cacheDirectory) {
        this.storage = storage;
        this.cacheDirectory = cacheDirectory;
    }

    public ModelArtifact resolve(String location) {
        String uri = storage.normalize(location);
        try {
            String onnxUri;
            Optional<String> specUri;
            if (storage.stat(uri).isPresent()) {
                onnxUri = uri;
                specUri = Optional.empty();
            } else {
                onnxUri = storage.resolve(uri, MODEL_FILE);
                if (storage.stat(onnxUri).isEmpty()) {
                    throw new ModelException("Cannot load model " + location + ": no such file, and no " + MODEL_FILE
                            + " inside it. Pass a .onnx file or a model directory holding " + MODEL_FILE + " (and optionally "
                            + SPEC_FILE + ").");
                }
                String candidate = storage.resolve(uri, SPEC_FILE);
                specUri = storage.stat(candidate).isPresent() ? Optional.of(candidate) : Optional.empty();
            }
            byte[] onnx = storage.readAll(onnxUri);
            if (onnx.length == 0) {
                throw new ModelException("Cannot load model " + location + ": " + onnxUri + " is empty (0 bytes)");
            }
            byte[] specBytes = specUri.isPresent() ? storage.readAll(specUri.get()) : null;
            return artifact(uri, defaultName(onnxUri, uri, specUri.isPresent()), onnx, specBytes, specUri.orElse(null));
        } catch (IOException e) {
            throw new ModelException("Cannot load model " + location + ": " + e.getMessage(), e);
        }
    }

    /** Builds the artifact from the model's bytes and caches the files by sha256 (model.yaml only when there is one). */
    private ModelArtifact artifact(String uri, String defaultName, byte[] onnx, byte[] specBytes, String specUri) throws IOException {
        String sha256 = sha256(onnx, specBytes == null ? new byte[0] : specBytes);
        ModelSpec spec = specBytes != null
                ? ModelSpecParser.parse(new String(specBytes, StandardCharsets.UTF_8), specUri, defaultName, sha256.substring(0, 12))
                : new ModelSpec(defaultName, sha256.substring(0, 12), null, List.of(), List.of());
        Path local = cache(sha256, onnx, specBytes);
        return new ModelArtifact(uri, local, spec, specBytes == null, sha256);
    }

    /**
     * The model a run was planned with, for a relaunch: from this node's cached copy when it has one whose bytes still
     * hash to {@code expectedSha256} (so a moved {@code …/production} location or a deleted source does not break a
     * relaunch), else from the location, checked against the sha256.
     */
    public ModelArtifact resolvePinned(String location, String expectedSha256) {
        Path directory = cacheDirectory.resolve(expectedSha256);
        Path onnxFile = directory.resolve(MODEL_FILE);
        Path specFile = directory.resolve(SPEC_FILE);
        if (Files.isRegularFile(onnxFile)) {
            try {
                byte[] onnx = Files.readAllBytes(onnxFile);
                byte[] specBytes = Files.isRegularFile(specFile) ? Files.readAllBytes(specFile) : null;
                if (sha256(onnx, specBytes == null ? new byte[0] : specBytes).equals(expectedSha256)) {
                    String uri = storage.normalize(location);
                    String defaultName = defaultName(specBytes == null ? uri : storage.resolve(uri, MODEL_FILE), uri, specBytes != null);
                    return artifact(uri, defaultName, onnx, specBytes, specFile.toUri().toString());
                }
            } catch (IOException e) {
                // An unreadable cache entry is no reason to fail: the location is the source of truth.
            }
        }
        return resolveExpecting(location, expectedSha256);
    }

    /** Resolves and checks the model is the one a run planned with; a relaunch must not score with a different model. */
    public ModelArtifact resolveExpecting(String location, String expectedSha256) {
        ModelArtifact artifact = resolve(location);
        if (!artifact.sha256().equals(expectedSha256)) {
            throw new ModelException("Cannot resume with model " + location + ": its sha256 is " + artifact.sha256()
                    + " but the run was planned with " + expectedSha256 + ". The model changed since the run started; "
                    + "restore it, or start a new run.");
        }
        return artifact;
    }

    private Path cache(String sha256, byte[] onnx, byte[] specBytes) throws IOException {
        Path directory = cacheDirectory.resolve(sha256);
        Path file = directory.resolve(MODEL_FILE);
        if (specBytes != null) {
            cacheFile(directory, directory.resolve(SPEC_FILE), specBytes);
        }
        cacheFile(directory, file, onnx);
        markUsed(directory);
        return file;
    }

    /**
     * Sets the cache directory's modification time to now each time a command resolves the model: {@code nightshift gc}
     * measures a cached model's last use by it, and must not take a model that is in use but was cached long ago.
     */
    private static void markUsed(Path directory) {
        try {
            Files.setLastModifiedTime(directory, FileTime.from(Instant.now()));
        } catch (IOException e) {
            // A read-only cache still serves the model; gc then falls back to the runs that pinned it.
        }
    }

    private static void cacheFile(Path directory, Path file, byte[] content) throws IOException {
        if (Files.isRegularFile(file) && Files.size(file) == content.length) {
            return;
        }
        Files.createDirectories(directory);
        Path temporary = Files.createTempFile(directory, ".model-", ".tmp");
        Files.write(temporary, content);
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String defaultName(String onnxUri, String uri, boolean directory) {
        String path = directory || !onnxUri.equals(uri) ? trimSlash(uri) : onnxUri;
        String last = path.substring(path.lastIndexOf('/') + 1);
        return last.endsWith(".onnx") ? last.substring(0, last.length() - ".onnx".length()) : last;
    }

    private static String trimSlash(String uri) {
        return uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
    }

    static String sha256(byte[] first, byte[] second) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(first);
            digest.update(second);
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
