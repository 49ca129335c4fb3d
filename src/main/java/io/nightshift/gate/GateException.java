package io.nightshift.gate;

import io.nightshift.NightshiftException;

/**
 * The gate cannot evaluate as asked: a policy that does not parse or contradicts itself, a holdout without the label
 * column, a model without a probability output. A configuration error: fix the input, then evaluate again.
 */
public final class GateException extends NightshiftException {

    public GateException(String message) {
        super(Disposition.CONFIGURATION, message, null);
    }

    public GateException(String message, Throwable cause) {
        super(Disposition.CONFIGURATION, message, cause);
    }
}
