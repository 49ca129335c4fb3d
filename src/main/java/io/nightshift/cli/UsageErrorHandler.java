package io.nightshift.cli;

import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;

/**
 * A command line Picocli cannot parse: what is wrong, a hint when the cause is a common one, and where the help is,
 * in a few lines instead of the whole usage. Exit code 2.
 */
final class UsageErrorHandler implements CommandLine.IParameterExceptionHandler {

    @Override
    public int handleParseException(CommandLine.ParameterException exception, String[] arguments) {
        CommandLine command = exception.getCommandLine();
        PrintWriter err = command.getErr();
        err.println("nightshift: " + exception.getMessage());
        if (exception instanceof CommandLine.UnmatchedArgumentException unmatched) {
            String hint = globHint(command.getCommandSpec(), unmatched.getUnmatched());
            if (hint != null) {
                err.println(hint);
            } else {
                CommandLine.UnmatchedArgumentException.printSuggestions(unmatched, err);
            }
        }
        err.println("Try 'nightshift " + subcommandPath(command) + "--help' for more information.");
        err.flush();
        return ExitCodes.USAGE;
    }

    /**
     * Several file names where one --input or --output was expected: an unquoted glob (--input data/*.parquet) that the
     * shell expanded before Nightshift saw it.
     */
    static String globHint(CommandLine.Model.CommandSpec spec, List<String> unmatched) {
        boolean takesLocations = spec.findOption("--input") != null;
        boolean fileNames = !unmatched.isEmpty() && unmatched.stream().noneMatch(argument -> argument.startsWith("-"))
                && unmatched.stream().allMatch(argument -> argument.contains("/") || argument.contains("."));
        if (!takesLocations || !fileNames) {
            return null;
        }
        return "Several files where one location was expected: quote a glob so that the shell\n"
                + "leaves it to nightshift, e.g. --input 'data/*.parquet'";
    }

    private static String subcommandPath(CommandLine command) {
        StringBuilder path = new StringBuilder();
        for (CommandLine current = command; current.getParent() != null; current = current.getParent()) {
            path.insert(0, current.getCommandName() + " ");
        }
        return path.toString();
    }
}
