package io.nightshift.cli;

import picocli.CommandLine.Option;

/** {@code --by USER}: who does a registry action, for the four-eyes rules and the audit trail. */
final class ByOption {

    @Option(names = "--by", paramLabel = "USER", defaultValue = "${sys:user.name}",
            description = "Who does it (default: the OS user, here ${DEFAULT-VALUE}).")
    String by;
}
