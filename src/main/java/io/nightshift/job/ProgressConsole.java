package io.nightshift.job;

import java.io.Console;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;

/**
 * The live progress bar on stderr, when stderr is a terminal: redrawn in place with {@code \r}, fitted to the
 * terminal's width, and moved out of the way of anything else printed while it is on screen (a log line, a signal
 * notice), so that starts on a line of its own. Not on a terminal (a log file, a pipe, CI), progress goes to the log
 * instead. While it draws, {@link System#err} is a stream that ends the bar's line before anything else is written.
 */
@Component
public final class ProgressConsole implements AutoCloseable {

    /** When neither {@code COLUMNS} nor the terminal says otherwise. */
    static final int DEFAULT_WIDTH = 80;

    private final PrintStream err = System.err;
    private PrintStream installed;
    private final boolean terminal;
    private final Map<String, String> environment;
    private int width;
    /** Characters of the bar now on screen, 0 when none is: the cursor is at the start of an empty line. */
    private int drawn;

    ProgressConsole() {
        this(System.getenv(), stderrIsTerminal() && System.getenv("CI") == null);
    }

    ProgressConsole(Map<String, String> environment, boolean terminal) {
        this.environment = environment;
        this.terminal = terminal;
    }

    /** Whether progress is drawn as a bar (stderr is a terminal); otherwise it is logged. */
    public boolean terminal() {
        return terminal;
    }

    /** The width lines are fitted to: {@code COLUMNS} when set, else the terminal's, else 80; asked once. */
    public synchronized int width() {
        if (width == 0) {
            width = width(environment);
        }
        return width;
    }

    /** Draws {@code line} over the bar on screen. */
    synchronized void draw(String line) {
        if (installed == null) {
            installed = new PrintStream(new BarAwareStream(), true);
            System.setErr(installed);
        }
        String padding = " ".repeat(Math.max(0, drawn - line.length()));
        err.print("\r" + line + padding);
        err.flush();
        drawn = line.length();
    }

    /** Leaves the bar on screen as it is and moves to the next line. */
    synchronized void end() {
        if (drawn > 0) {
            err.println();
            err.flush();
            drawn = 0;
        }
    }

    /** Prints a line of its own on stderr: after the bar, if one is on screen. */
    public synchronized void notice(String message) {
        end();
        err.println(message);
        err.flush();
    }

    /** Gives {@link System#err} back, if the bar took it. */
    @Override
    public synchronized void close() {
        if (installed != null && System.err == installed) {
            System.setErr(err);
        }
    }

    /** Everyone else's stderr while the bar draws: a bar on screen gets its line ended first. */
    private final class BarAwareStream extends java.io.OutputStream {

        @Override
        public void write(int b) {
            synchronized (ProgressConsole.this) {
                end();
                err.write(b);
            }
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            synchronized (ProgressConsole.this) {
                end();
                err.write(bytes, offset, length);
            }
        }

        @Override
        public void flush() {
            err.flush();
        }
    }

    /**
     * Whether stderr is a terminal. {@link Console#isTerminal()} tells about stdin and stdout, and progress goes to
     * stderr: {@code nightshift score > summary.txt} still has a terminal for its bar, {@code 2> log} does not. On
     * Linux, {@code /proc/self/fd/2} names what stderr is; elsewhere the console's answer has to do.
     */
    static boolean stderrIsTerminal() {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            Console console = System.console();
            return console != null && console.isTerminal();
        }
    }

    /** {@code COLUMNS} if it is a positive number, else what {@code stty size} says of the terminal, else 80. */
    static int width(Map<String, String> environment) {
        String columns = environment.get("COLUMNS");
        if (columns != null) {
            try {
                int value = Integer.parseInt(columns.strip());
                if (value > 0) {
                    return value;
                }
            } catch (NumberFormatException e) {
                // not a number: ask the terminal
            }
        }
        return terminalWidth().orElse(DEFAULT_WIDTH);
    }

    private static java.util.OptionalInt terminalWidth() {
        File tty = new File("/dev/tty");
        if (!tty.exists()) {
            return java.util.OptionalInt.empty();
        }
        try {
            Process stty = new ProcessBuilder("stty", "size").redirectInput(tty).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            if (!stty.waitFor(2, TimeUnit.SECONDS)) {
                stty.destroyForcibly();
                return java.util.OptionalInt.empty();
            }
            String[] size = new String(stty.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip().split("\\s+");
            if (stty.exitValue() == 0 && size.length == 2) {
                int value = Integer.parseInt(size[1]);
                return value > 0 ? java.util.OptionalInt.of(value) : java.util.OptionalInt.empty();
            }
        } catch (IOException | NumberFormatException e) {
            // no controlling terminal, or no stty: the default width
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return java.util.OptionalInt.empty();
    }
}
