package io.nightshift.storage;

import io.nightshift.NightshiftException;

/**
 * An s3:// location with no AWS credentials to reach it. The SDK says so with a page listing every provider of its
 * chain and why each had nothing; what the user needs is where credentials come from. Before a run exists, a
 * configuration error (exit 2): the same command fails the same way until credentials are set. Inside a run (an
 * instance role's credentials that could not be refreshed, the metadata service timing out), relaunchable: the plan
 * does not depend on credentials, so setting them and relaunching resumes the run.
 */
public final class MissingCredentialsException extends NightshiftException {

    static final String MESSAGE = "No AWS credentials found: set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, "
            + "or run on a node with an instance role";

    MissingCredentialsException(Throwable cause) {
        super(Disposition.CONFIGURATION, MESSAGE, cause);
    }

    @Override
    public Disposition dispositionInRun() {
        return Disposition.RELAUNCHABLE;
    }
}
