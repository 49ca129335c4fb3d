package io.nightshift.model;

import java.util.regex.Pattern;

/**
 * Resolves a model reference such as {@code churn@production} or {@code churn@3} (the model registry does) for
 * {@link ModelResolver}, which sends it every {@code --model} value of that form that is not an existing path.
 */
public interface ModelReferences {

    /** {@code NAME@VERSION} or {@code NAME@ALIAS}: a name and a selector of letters, digits, {@code . _ -}. */
    Pattern REFERENCE = Pattern.compile("([A-Za-z0-9][A-Za-z0-9._-]*)@([A-Za-z0-9][A-Za-z0-9._-]*)");

    /** No registry: every reference is refused, saying so. */
    ModelReferences NONE = reference -> {
        throw new ModelException("Cannot load model " + reference + ": no such file, and there is no model registry to look it up in");
    };

    /** Whether a value has the form of a reference (it may still be the name of a file). */
    static boolean isReference(String value) {
        return REFERENCE.matcher(value).matches();
    }

    /**
     * The registered version the reference names, its files verified against the registered sha256 and available
     * locally; its {@link ModelArtifact#location()} names that exact version ({@code churn@3}), so a run pinning it
     * scores that version on relaunch even if an alias moved. Fails with a {@link ModelException}.
     */
    ModelArtifact resolve(String reference);

    /**
     * Fails as {@link #resolve} would for a reference that names no registered version (unknown name, version or
     * alias), without reading the model's files: what validating a job spec needs.
     */
    default void requireKnown(String reference) {
        resolve(reference);
    }
}
