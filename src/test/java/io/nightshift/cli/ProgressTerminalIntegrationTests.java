package io.nightshift.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.nightshift.testing.NightshiftProcess;
import io.nightshift.testing.ScoringFixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live progress bar on a real terminal: {@code nightshift score} under a pseudo-terminal ({@code script}), the
 * way it runs in an operator's shell. Every redraw fits the terminal's width, so it stays one line that is redrawn
 * in place; and a SIGTERM notice starts on a line of its own instead of being glued to the bar.
 */
class ProgressTerminalIntegrationTests {

    private static final long PATIENCE_NANOS = 120_000_000_000L;

    @TempDir
    static Path workspace;
    static Path input;
    static Path model;

    @BeforeAll
    static void createInputsAndModel() throws IOException {
        input = workspace.resolve("input");
        ScoringFixtures.data(input, 2, 20_000, 5_000, 4);
        model = ScoringFixtures.logisticModel(workspace.resolve("model"), ScoringFixtures.FEATURES);
    }

    @Test
    void at80ColumnsEveryRedrawFitsAndASignalNoticeStartsItsOwnLine() throws Exception {
        // given: a run slow enough to be signalled while its bar is drawn
        Path home = workspace.resolve("home-80");
        Process terminal = underPseudoTerminal(home, 80, "--threads", "1", "--batch-size", "50", "--commit-interval", "500");
        Path capture = home.resolve("terminal.txt");
        waitFor(terminal, capture, " rows/s");

        // when
        ProcessHandle nightshift = terminal.toHandle().descendants().filter(this::isJava).findFirst()
                .orElseThrow(() -> new AssertionError("no java process under script"));
        new ProcessBuilder("kill", "-TERM", Long.toString(nightshift.pid())).inheritIO().start().waitFor();
        assertThat(terminal.waitFor(120, TimeUnit.SECONDS)).as("script ended").isTrue();

        // then
        String text = Files.readString(capture, StandardCharsets.UTF_8);
        List<String> bars = bars(text);
        assertThat(bars).as(text).isNotEmpty();
        assertThat(bars).as("redraws longer than 80 columns").allSatisfy(bar -> assertThat(bar.length()).isLessThan(80));
        assertThat(text).as("the notice follows a line break, not a bar").containsPattern("\\n\\s*nightshift: SIGTERM received;");
        assertThat(text).contains(": STOPPED in ");
        System.out.printf("80 columns: %d redraws, the longest %d characters: %s%n", bars.size(),
                bars.stream().mapToInt(String::length).max().orElse(0), bars.getLast());
    }

    @Test
    void at40ColumnsTheBarShrinksToFit() throws Exception {
        // given
        Path home = workspace.resolve("home-40");

        // when
        Process terminal = underPseudoTerminal(home, 40, "--threads", "1", "--batch-size", "200", "--commit-interval", "2000");
        assertThat(terminal.waitFor(300, TimeUnit.SECONDS)).as("script ended").isTrue();

        // then
        String text = Files.readString(home.resolve("terminal.txt"), StandardCharsets.UTF_8);
        List<String> bars = bars(text);
        assertThat(bars).as(text).isNotEmpty();
        assertThat(bars).allSatisfy(bar -> assertThat(bar.length()).isLessThan(40));
        assertThat(text).contains(": COMPLETED in ");
        System.out.printf("40 columns: %s%n", bars.getLast());
    }

    /** The pieces of a capture between carriage returns and line breaks that are progress redraws. */
    private static List<String> bars(String text) {
        return Arrays.stream(text.split("[\\r\\n]")).filter(piece -> piece.matches("run \\d+ .*%.*")).collect(Collectors.toList());
    }

    /**
     * {@code nightshift score} on a pseudo-terminal of {@code columns} (as {@code COLUMNS}), everything it draws
     * captured in {@code HOME/terminal.txt}. Without {@code script} (not Linux) the test is skipped.
     */
    private static Process underPseudoTerminal(Path home, int columns, String... options) throws IOException {
        assumeThat(Files.isExecutable(Path.of("/usr/bin/script"))).as("script(1) is needed for a pseudo-terminal").isTrue();
        Files.createDirectories(home);
        List<String> command = NightshiftProcess.command(List.of());
        command.addAll(List.of("score", "--model", model.toString(), "--input",
                input.toString(), "--output", home.resolve("output").toString(), "--id-column", ScoringFixtures.ID,
                "--feature-prefix", "f"));
        command.addAll(List.of(options));
        String shellCommand = command.stream().map(word -> "'" + word.replace("'", "'\\''") + "'").collect(Collectors.joining(" "));
        ProcessBuilder builder = new ProcessBuilder("/usr/bin/script", "-qfc", shellCommand, "/dev/null")
                .directory(home.toFile())
                .redirectInput(ProcessBuilder.Redirect.PIPE)
                .redirectErrorStream(true)
                .redirectOutput(home.resolve("terminal.txt").toFile());
        builder.environment().remove("CI");
        builder.environment().put("COLUMNS", Integer.toString(columns));
        builder.environment().put("NIGHTSHIFT_HOME", home.resolve("var").toString());
        return builder.start();
    }

    private static void waitFor(Process process, Path capture, String text) throws Exception {
        long deadline = System.nanoTime() + PATIENCE_NANOS;
        while (!Files.exists(capture) || !Files.readString(capture, StandardCharsets.UTF_8).contains(text)) {
            if (!process.isAlive()) {
                fail("ended before printing %s:%n%s", text, Files.exists(capture) ? Files.readString(capture) : "");
            }
            if (System.nanoTime() > deadline) {
                fail("gave up waiting for %s after 120 s (a hang guard, not a speed check)", text);
            }
            Thread.sleep(50);
        }
    }

    private boolean isJava(ProcessHandle process) {
        return process.info().command().map(command -> command.endsWith("/java")).orElse(false);
    }
}
