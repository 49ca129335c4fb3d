package io.nightshift.model.registry;

import static java.util.Objects.requireNonNull;

import io.nightshift.model.ModelArtifact;

/**
 * A registry reference resolved to one version: its record, and its files verified against the registered sha256 and
 * copied into this node's model cache, ready for {@code LoadedModel.load}.
 */
public record ResolvedVersion(String reference, ModelVersion version, ModelArtifact artifact) {
    public ResolvedVersion {
        requireNonNull(reference, "reference is null");
        requireNonNull(version, "version is null");
        requireNonNull(artifact, "artifact is null");
    }

    public String name() {
        return version.name();
    }

    public int number() {
        return version.version();
    }
}
