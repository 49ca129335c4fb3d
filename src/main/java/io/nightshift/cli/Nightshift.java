package io.nightshift.cli;

import io.nightshift.model.LoadedModel;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code nightshift} command line: parses arguments with Picocli, then starts Spring only for commands that need it. */
@Command(name = "nightshift", mixinStandardHelpOptions = true, version = "nightshift 0.1.0",
        description = "Resumable, exactly-once batch scoring of Parquet files with ONNX models.",
        subcommands = {DemoCommand.class, ScoreCommand.class, RunCommand.class, PlanCommand.class, RelaunchCommand.class, StatusCommand.class, AbandonCommand.class, GcCommand.class,
                ModelsCommand.class, AuditCommand.class, GateCommand.class, ServeCommand.class, WorkerCommand.class, HashCommand.class,
                CommandLine.HelpCommand.class},
        exitCodeListHeading = ExitCodes.HEADING, footerHeading = ExitCodes.FOOTER_HEADING, exitCodeList = {ExitCodes.SUCCESS_LINE, ExitCodes.FAILED_LINE, ExitCodes.USAGE_LINE},
        exitCodeOnInvalidInput = ExitCodes.USAGE, exitCodeOnExecutionException = ExitCodes.FAILED)
public final class Nightshift implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Global, and accepted after any command too ({@code nightshift status --verbose}). */
    @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
            description = "Print stack traces and Spring Batch's failure reports on the console too (runs always keep them in their log file).")
    void verbose(boolean verbose) {
        ConsoleLog.verbose(verbose);
    }

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
        ConsoleLog.verbose(false);
        RunLog.forgetLastFile();
        return commandLine().execute(args);
    }

    /** The command line with Nightshift's error handling, for {@link #execute} and for tests of its help and usage errors. */
    static CommandLine commandLine() {
        return new CommandLine(new Nightshift())
                .setExecutionExceptionHandler(new ErrorHandler())
                .setParameterExceptionHandler(new UsageErrorHandler());
    }

    /** {@code nightshift} alone: the usage, on stderr, and exit 2 as for any other incomplete command. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.USAGE;
    }
}
