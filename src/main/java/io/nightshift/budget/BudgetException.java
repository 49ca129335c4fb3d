package io.nightshift.budget;

import io.nightshift.NightshiftException;

/** A budget block or pricing file that cannot be used; the message names the file and the setting. Exit code 2. */
public final class BudgetException extends NightshiftException {
    public BudgetException(String message) {
        super(Disposition.CONFIGURATION, message, null);
    }
}
