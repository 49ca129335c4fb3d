package io.nightshift.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The help and the usage errors as Picocli renders them, without starting the application. */
class CommandLineHelpTests {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int execute(String... arguments) {
        CommandLine commandLine = Nightshift.commandLine();
        commandLine.setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
        return commandLine.execute(arguments);
    }

    @Test
    void noArgumentsPrintsTheUsageOnStderrAndExits2() {
        // when
        int exitCode = execute();

        // then
        assertThat(exitCode).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).startsWith("Usage: nightshift").contains("Commands:", "Exit codes:");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void everyHelpFitsEightyColumnsAndShowsEachCommandsWholeSummary() {
        for (List<String> command : everyCommand()) {
            // given
            out.getBuffer().setLength(0);
            List<String> arguments = new ArrayList<>(command);
            arguments.add("--help");

            // when
            int exitCode = execute(arguments.toArray(String[]::new));

            // then
            assertThat(exitCode).as("%s --help", command).isZero();
            assertThat(out.toString().lines()).as("%s --help", command).allSatisfy(line -> assertThat(line).hasSizeLessThanOrEqualTo(80));
        }
        // The command list shows each command's first description line: a whole sentence, not one cut at a line break.
        out.getBuffer().setLength(0);
        execute("--help");
        assertThat(out.toString()).contains("demo      Generate a churn data set, train an ONNX model on it and score it\n              (in <home>/demo).\n")
                .contains("abandon   Give a failed, stopped or dead run up for good and free its output.\n");
    }

    @Test
    void theRegistryCommandsStateTheirExitCodes() {
        for (List<String> command : everyCommand().stream().filter(path -> !path.isEmpty()
                && (path.getFirst().equals("models") || path.getFirst().equals("audit"))).toList()) {
            // given
            out.getBuffer().setLength(0);
            List<String> arguments = new ArrayList<>(command);
            arguments.add("--help");

            // when
            execute(arguments.toArray(String[]::new));

            // then
            assertThat(out.toString()).as("%s", command).contains("Exit codes:", "  0   Success.", "  2   Refused or bad usage");
        }
    }

    @Test
    void theTopLevelAndTheRunCommandsStateTheirExitCodes() {
        for (String command : List.of("", "demo", "score", "run", "relaunch")) {
            // given
            out.getBuffer().setLength(0);

            // when
            execute(command.isEmpty() ? new String[] {"--help"} : new String[] {command, "--help"});

            // then
            assertThat(out.toString()).as(command).contains("Exit codes:", "  0   Success.", "  1   The run failed or was stopped",
                    "  2   Usage or configuration error").endsWith(System.lineSeparator());
        }
    }

    @Test
    void parameterLabelsAreOneStyleOfUpperCaseWords() {
        for (List<String> command : everyCommand()) {
            CommandLine.Model.CommandSpec spec = Nightshift.commandLine().getCommandSpec();
            for (String name : command) {
                spec = spec.subcommands().get(name).getCommandSpec();
            }
            List<String> labels = new ArrayList<>();
            spec.options().stream().filter(option -> option.arity().max() > 0 && !option.usageHelp() && !option.versionHelp())
                    .forEach(option -> labels.add(option.paramLabel()));
            spec.positionalParameters().forEach(parameter -> labels.add(parameter.paramLabel()));
            assertThat(labels).as("%s", command).allSatisfy(label -> assertThat(label).matches("[A-Z][A-Z_]*"));
        }
    }

    @Test
    void anUnquotedGlobTheShellExpandedGetsAHintToQuoteItAndExits2() {
        // when: the shell turned --input data/*.parquet into three arguments
        int exitCode = execute("score", "--model", "models/churn", "--input", "data/a.parquet", "data/b.parquet", "data/c.parquet",
                "--output", "out");

        // then
        assertThat(exitCode).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("nightshift: Unmatched arguments from index 5: 'data/b.parquet', 'data/c.parquet'")
                .contains("quote a glob so that the shell", "leaves it to nightshift, e.g. --input 'data/*.parquet'")
                .contains("Try 'nightshift score --help' for more information.")
                .doesNotContain("Usage:");
    }

    @Test
    void anUnknownOptionIsAUsageErrorWithoutTheGlobHint() {
        // when
        int exitCode = execute("status", "--lmit", "5");

        // then
        assertThat(exitCode).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("nightshift: Unknown option: '--lmit'", "Try 'nightshift status --help'")
                .doesNotContain("quote a glob");
    }

    @Test
    void verboseIsAcceptedBeforeAndAfterTheCommand() {
        // when / then: parsing alone (help), so no application starts
        assertThat(execute("--verbose", "status", "--help")).isZero();
        assertThat(ConsoleLog.verbose()).isTrue();
        assertThat(execute("status", "--verbose", "--help")).isZero();
        assertThat(ConsoleLog.verbose()).isTrue();
        ConsoleLog.verbose(false);
    }

    /** Every command and subcommand ({@code models register} too), as the words that name it. */
    private static List<List<String>> everyCommand() {
        List<List<String>> commands = new ArrayList<>();
        addWithSubcommands(Nightshift.commandLine(), List.of(), commands);
        return commands;
    }

    private static void addWithSubcommands(CommandLine command, List<String> path, List<List<String>> commands) {
        commands.add(path);
        command.getSubcommands().forEach((name, subcommand) -> {
            List<String> subpath = new ArrayList<>(path);
            subpath.add(name);
            if (!name.equals("help")) {
                addWithSubcommands(subcommand, subpath, commands);
            } else {
                commands.add(subpath);
            }
        });
    }
}
