package io.nightshift.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code nightshift} command line: parses arguments with Picocli, then starts Spring only for commands that need it. */
@Command(name = "nightshift", mixinStandardHelpOptions = true, version = "nightshift 0.1.0",
        description = "Resumable, exactly-once batch scoring of Parquet files with ONNX models.",
        subcommands = {DemoCommand.class, ScoreCommand.class, RunCommand.class, RelaunchCommand.class, StatusCommand.class, AbandonCommand.class,
                CommandLine.HelpCommand.class},
        exitCodeOnInvalidInput = ExitCodes.USAGE, exitCodeOnExecutionException = ExitCodes.FAILED)
public final class Nightshift implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs one command and returns its exit code (0 success, 1 run failed or stopped, 2 usage or configuration). */
    public static int execute(String... args) {
        System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
        return new CommandLine(new Nightshift())
                .setExecutionExceptionHandler(new ErrorHandler())
                .execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
