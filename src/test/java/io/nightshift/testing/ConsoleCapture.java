package io.nightshift.testing;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/** Runs a command in this JVM and keeps what it printed on stdout, while still showing it on the console. */
public final class ConsoleCapture {

    /** A command's exit code and what it printed on stdout. */
    public record Captured(int exitCode, String output) {
    }

    private ConsoleCapture() {
    }

    public static Captured capture(Supplier<Integer> command) {
        PrintStream original = System.out;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        OutputStream tee = new OutputStream() {
            @Override
            public void write(int b) {
                buffer.write(b);
                original.write(b);
            }

            @Override
            public void write(byte[] bytes, int offset, int length) {
                buffer.write(bytes, offset, length);
                original.write(bytes, offset, length);
            }
        };
        System.setOut(new PrintStream(tee, true, StandardCharsets.UTF_8));
        try {
            int exitCode = command.get();
            return new Captured(exitCode, buffer.toString(StandardCharsets.UTF_8));
        } finally {
            System.out.flush();
            System.setOut(original);
        }
    }
}
