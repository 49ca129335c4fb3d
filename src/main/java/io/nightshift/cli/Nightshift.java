package io.nightshift.cli;

/** Entry point placeholder; replaced by the Picocli command line. */
public final class Nightshift {
    public static void main(String[] args) {
    }
}
