package io.nightshift.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The bar's console: its width, and anything else printed while a bar is on screen starts a line of its own. */
class ProgressConsoleTests {

    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    private PrintStream originalErr;
    private PrintStream testErr;

    @BeforeEach
    void captureStderr() {
        originalErr = System.err;
        testErr = new PrintStream(captured, true, StandardCharsets.UTF_8);
        System.setErr(testErr);
    }

    @AfterEach
    void restoreStderr() {
        System.setErr(originalErr);
    }

    @Test
    void columnsSetsTheWidth() {
        assertThat(ProgressConsole.width(Map.of("COLUMNS", "132"))).isEqualTo(132);
        assertThat(ProgressConsole.width(Map.of("COLUMNS", " 40 "))).isEqualTo(40);
    }

    @Test
    void withoutUsableColumnsTheWidthIsTheTerminalsOr80() {
        // when: no terminal to ask here (a test's stdin is not one) or whatever the terminal says
        int width = ProgressConsole.width(Map.of("COLUMNS", "wide"));

        // then
        assertThat(width).isPositive();
        System.out.println("width without COLUMNS: " + width);
    }

    @Test
    void aNoticeWhileABarIsDrawnStartsOnItsOwnLine() {
        // given
        try (ProgressConsole console = new ProgressConsole(Map.of("COLUMNS", "80"), true)) {
            console.draw("run 1 [=>   ] 10%");

            // when
            console.notice("nightshift: SIGTERM received");
        }

        // then
        assertThat(text()).isEqualTo("\rrun 1 [=>   ] 10%" + System.lineSeparator() + "nightshift: SIGTERM received" + System.lineSeparator());
    }

    @Test
    void aNoticeWithoutABarOnScreenGetsNoBlankLine() {
        // given
        try (ProgressConsole console = new ProgressConsole(Map.of(), false)) {
            // when
            console.notice("nightshift: SIGTERM received");
        }

        // then
        assertThat(text()).isEqualTo("nightshift: SIGTERM received" + System.lineSeparator());
    }

    @Test
    void anythingElseWrittenToStderrWhileABarIsDrawnStartsOnItsOwnLine() {
        // given
        try (ProgressConsole console = new ProgressConsole(Map.of(), true)) {
            console.draw("run 1 [=>   ] 10%");

            // when: a log line, written to System.err as the console appender does
            System.err.print("12:00:00.000 WARN  a retry" + System.lineSeparator());
            console.draw("run 1 [==>  ] 20%");
            console.end();
        }

        // then
        assertThat(text()).isEqualTo("\rrun 1 [=>   ] 10%" + System.lineSeparator() + "12:00:00.000 WARN  a retry"
                + System.lineSeparator() + "\rrun 1 [==>  ] 20%" + System.lineSeparator());
        assertThat(System.err).as("stderr is given back when the console closes").isSameAs(testErr);
    }

    @Test
    void aShorterRedrawBlanksWhatTheLongerOneLeft() {
        // given
        try (ProgressConsole console = new ProgressConsole(Map.of(), true)) {
            console.draw("run 1 0.0% ETA 12:34");

            // when
            console.draw("run 1 1.0% ETA 9");
        }

        // then
        assertThat(text()).endsWith("\rrun 1 1.0% ETA 9    ");
    }

    private String text() {
        return captured.toString(StandardCharsets.UTF_8);
    }
}
