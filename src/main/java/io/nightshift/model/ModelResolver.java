package io.nightshift.model;

import io.nightshift.storage.Storage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds a model at a user-given location (a bare {@code .onnx} file, or a directory holding {@code model.onnx} and
 * optionally {@code model.yaml}) on any {@link Storage}, verifies an expected sha256 when a relaunch pins one, and
 * keeps a local copy in the {@link ModelCache} (ONNX Runtime loads from a local file). A value of the form
 * {@code NAME@VERSION} or {@code NAME@ALIAS} that is not an existing path is a registry reference, resolved by
 * {@link ModelReferences}.
 */
public final class ModelResolver {

    static final String MODEL_FILE = ModelCache.MODEL_FILE;
    static final String SPEC_FILE = ModelCache.SPEC_FILE;

    private final Storage storage;
    private final ModelCache cache;
    private final ModelReferences references;

    public ModelResolver(Storage storage, Path cacheDirectory) {
        this(storage, new ModelCache(cacheDirectory), ModelReferences.NONE);
    }

    public ModelResolver(Storage storage, ModelCache cache, ModelReferences references) {
        this.storage = storage;
        this.cache = cache;
        this.references = references;
    }

    public ModelArtifact resolve(String location) {
        if (isRegistryReference(location)) {
            return references.resolve(location);
        }
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

    /**
     * Whether a value names a registered model: it has the form {@code NAME@SELECTOR} and no file or model directory
     * exists at it (a path that happens to contain {@code @} stays a path).
     */
    boolean isRegistryReference(String location) {
        if (!ModelReferences.isReference(location)) {
            return false;
        }
        String uri = storage.normalize(location);
        try {
            return storage.stat(uri).isEmpty() && storage.stat(storage.resolve(uri, MODEL_FILE)).isEmpty();
        } catch (IOException e) {
            throw new ModelException("Cannot load model " + location + ": " + e.getMessage(), e);
        }
    }

    private ModelArtifact artifact(String uri, String defaultName, byte[] onnx, byte[] specBytes, String specUri) throws IOException {
        return cache.artifact(uri, defaultName, onnx, specBytes, specUri);
    }

    /**
     * The model a run was planned with, for a relaunch: from this node's cached copy when it has one whose bytes still
     * hash to {@code expectedSha256} (so a moved {@code …/production} location or a deleted source does not break a
     * relaunch), else from the location, checked against the sha256.
     */
    public ModelArtifact resolvePinned(String location, String expectedSha256) {
        if (isRegistryReference(location)) {
            // The registry verifies the stored files at every load; the reference already names one exact version.
            return resolveExpecting(location, expectedSha256);
        }
        Path directory = cache.directory().resolve(expectedSha256);
        Path onnxFile = directory.resolve(MODEL_FILE);
        Path specFile = directory.resolve(SPEC_FILE);
        if (Files.isRegularFile(onnxFile)) {
            try {
                byte[] onnx = Files.readAllBytes(onnxFile);
                byte[] specBytes = Files.isRegularFile(specFile) ? Files.readAllBytes(specFile) : null;
                if (ModelCache.sha256(onnx, specBytes == null ? new byte[0] : specBytes).equals(expectedSha256)) {
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

    private static String defaultName(String onnxUri, String uri, boolean directory) {
        String path = directory || !onnxUri.equals(uri) ? trimSlash(uri) : onnxUri;
        String last = path.substring(path.lastIndexOf('/') + 1);
        return last.endsWith(".onnx") ? last.substring(0, last.length() - ".onnx".length()) : last;
    }

    private static String trimSlash(String uri) {
        return uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
    }
}
