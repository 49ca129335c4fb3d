package io.nightshift.model;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * This node's local copies of models, one directory per model identity ({@code <cache>/<sha256>/model.onnx} and
 * {@code model.yaml}): ONNX Runtime loads from a local file, and a relaunch finds the model it pinned here.
 */
public final class ModelCache {

    static final String MODEL_FILE = "model.onnx";
    static final String SPEC_FILE = "model.yaml";

    private final Path directory;

    public ModelCache(Path directory) {
        this.directory = directory;
    }

    Path directory() {
        return directory;
    }

    /**
     * Builds the artifact of a model's bytes and caches its files by sha256 (model.yaml only when there is one).
     * {@code specBytes} null means a bare model; its spec then has {@code defaultName} and no features.
     */
    ModelArtifact artifact(String location, String defaultName, byte[] onnx, byte[] specBytes, String specSource) throws IOException {
        String sha256 = sha256(onnx, specBytes == null ? new byte[0] : specBytes);
        ModelSpec spec = specBytes != null
                ? ModelSpecParser.parse(new String(specBytes, StandardCharsets.UTF_8), specSource, defaultName, sha256.substring(0, 12))
                : new ModelSpec(defaultName, sha256.substring(0, 12), null, List.of(), List.of());
        Path local = cache(sha256, onnx, specBytes);
        return new ModelArtifact(location, local, spec, specBytes == null, sha256);
    }

    /**
     * The artifact of a registered model version: its model.yaml's name and version give way to the registry's, and
     * {@code location} is the reference that names this exact version.
     */
    public ModelArtifact registered(String location, String name, String version, byte[] onnx, byte[] specBytes) {
        try {
            ModelArtifact artifact = artifact(location, name, onnx, specBytes, location + " (model.yaml)");
            return new ModelArtifact(location, artifact.onnxFile(), artifact.spec().withIdentity(name, version), false, artifact.sha256());
        } catch (IOException e) {
            throw new ModelException("Cannot load model " + location + ": cannot copy it into the model cache " + directory + ": "
                    + e.getMessage(), e);
        }
    }

    private Path cache(String sha256, byte[] onnx, byte[] specBytes) throws IOException {
        Path modelDirectory = directory.resolve(sha256);
        Path file = modelDirectory.resolve(MODEL_FILE);
        if (specBytes != null) {
            cacheFile(modelDirectory, modelDirectory.resolve(SPEC_FILE), specBytes);
        }
        cacheFile(modelDirectory, file, onnx);
        markUsed(modelDirectory);
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

    /**
     * Writes a cached file unless it already holds exactly these bytes: comparing the bytes, not only the size, means a
     * cached copy changed in place is replaced by the verified bytes rather than loaded.
     */
    private static void cacheFile(Path directory, Path file, byte[] content) throws IOException {
        if (Files.isRegularFile(file) && Files.size(file) == content.length && Arrays.equals(Files.readAllBytes(file), content)) {
            return;
        }
        Files.createDirectories(directory);
        Path temporary = Files.createTempFile(directory, ".model-", ".tmp");
        Files.write(temporary, content);
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The sha256 of {@code first} followed by {@code second}: a model's identity is model.onnx then model.yaml. */
    public static String sha256(byte[] first, byte[] second) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(first);
            digest.update(second);
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    /** The sha256 of one file's bytes. */
    public static String sha256(byte[] content) {
        return sha256(content, new byte[0]);
    }
}
