package io.nightshift.cli;

import io.nightshift.model.LoadedModel;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code nightshift} command line: parses arguments with Picocli, then starts Spring only for commands that need it. */
@Command(name = "nightshift", mixinStandardHelpOptions = true, version = "nightshift 0.1.0",
        description = "Resumable, exactly-once batch scoring of Parquet files with ONNX models.",
        subcommands = {DemoCommand.class, ScoreCommand.class, RunCommand.class, RelaunchCommand.class, StatusCommand.class, AbandonCommand.class, GcCommand.class,
                CommandLine.HelpCommand.class},
        exitCodeOnInvalidInput = ExitCodes.USAGE, exitCodeOnExecutionException = ExitCodes.FAILED)
public final class Nightshift implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        int exitCode = execute(args);
        // System.exit runs ONNX Runtime's shutdown hook, which frees its environment while other threads still run: a
        // partition thread still scoring, or a session still open, would crash the JVM (onnxruntime#31352).
        LoadedModel.shutDownOnnxRuntime();
        System.exit(exitCode);
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
