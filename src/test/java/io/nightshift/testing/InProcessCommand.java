package io.nightshift.testing;

import io.nightshift.cli.Nightshift;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs a {@code nightshift} command in this JVM, as the launcher would in its own, and keeps what it printed on stdout
 * and stderr apart (stdout: what a script reads; stderr: logs and the error line). What it printed is echoed to the
 * test's console afterwards, so a failing test shows it.
 */
public final class InProcessCommand {

    private static final Pattern RUN_LINE = Pattern.compile("^run (\\d+) execution \\d+: (\\w+)", Pattern.MULTILINE);

    private InProcessCommand() {
    }

    /** What a command printed and returned. */
    public record Result(int exitCode, String out, String err) {

        /** The "reason" line a failed run prints on stdout. */
        public String reason() {
            return out.lines().filter(line -> line.strip().startsWith("reason")).findFirst()
                    .orElseThrow(() -> new AssertionError("no reason line in:\n" + all()));
        }

        /**
         * The one message a user sees: the error line on stderr for a command that did not run (stderr also carries
         * the logs), else the failed run's reason.
         */
        public String message() {
            return err.lines().filter(line -> line.startsWith("nightshift: ")).findFirst().orElseGet(this::reason);
        }

        /** The run id of the summary's first line ({@code run 12 execution 13: COMPLETED in 2.9 s}). */
        public long runId() {
            Matcher matcher = RUN_LINE.matcher(out);
            if (!matcher.find()) {
                throw new AssertionError("no run line in:\n" + all());
            }
            return Long.parseLong(matcher.group(1));
        }

        public String all() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
        }
    }

    public static Result nightshift(String... arguments) {
        PrintStream originalOut = System.out;
        PrintStream originalErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exitCode;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            exitCode = Nightshift.execute(arguments);
        } finally {
            System.out.flush();
            System.err.flush();
            System.setOut(originalOut);
            System.setErr(originalErr);
        }
        Result result = new Result(exitCode, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        originalOut.println("nightshift " + String.join(" ", arguments) + "\n" + result.all());
        return result;
    }
}
