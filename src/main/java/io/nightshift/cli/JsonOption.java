package io.nightshift.cli;

import picocli.CommandLine.Option;

/** {@code --json}: a command's result as one JSON document on stdout (docs/JSON.md), nothing else there. */
final class JsonOption {

    @Option(names = "--json", description = "Print the result as JSON on stdout (shape: docs/JSON.md); logs and progress stay on stderr.")
    boolean json;
}
