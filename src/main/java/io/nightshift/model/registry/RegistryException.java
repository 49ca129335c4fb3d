package io.nightshift.model.registry;

import io.nightshift.NightshiftException;

/**
 * A registry action that cannot be carried out: an unknown model, version or alias, a refused approval (four eyes,
 * gate not passed, production moved since the gate), a rollback with nothing to go back to. Exit code 2.
 */
public final class RegistryException extends NightshiftException {

    RegistryException(Disposition disposition, String message) {
        super(disposition, message, null);
    }

    /** The action is not allowed as asked (four eyes, wrong state): the request must change. */
    static RegistryException refused(String message) {
        return new RegistryException(Disposition.USAGE, message);
    }

    /** Something named does not exist, or the store does not hold what the registry recorded. */
    static RegistryException configuration(String message) {
        return new RegistryException(Disposition.CONFIGURATION, message);
    }
}
