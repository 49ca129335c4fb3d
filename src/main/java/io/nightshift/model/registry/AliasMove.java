package io.nightshift.model.registry;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * One move of an alias.
 *
 * @param kind        PROMOTE or ROLLBACK (production), ALIAS (any other alias)
 * @param fromVersion where the alias pointed before; null when it was new
 */
public record AliasMove(long id, String model, String alias, String kind, Integer fromVersion, int toVersion, String by, Instant at,
        String reason) {

    static final String PROMOTE = "PROMOTE";
    static final String ROLLBACK = "ROLLBACK";
    static final String ALIAS = "ALIAS";

    public AliasMove {
        requireNonNull(model, "model is null");
        requireNonNull(alias, "alias is null");
        requireNonNull(kind, "kind is null");
        requireNonNull(by, "by is null");
        requireNonNull(at, "at is null");
    }
}
