package io.nightshift.cli;

import io.nightshift.api.CredentialHashes;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code nightshift hash}: the hash to put in {@code nightshift.api.users[].password-hash} (bcrypt) or
 * {@code nightshift.api.tokens[].hash} (with --sha256), for a secret read from the terminal without echo or from one
 * line of stdin, so it never lands in the shell's history or a process list. Starts no application.
 */
@Command(name = "hash", mixinStandardHelpOptions = true,
        description = {"Print the bcrypt hash of a password (or --sha256 of an API token).",
                "For nightshift.api.users[].password-hash and nightshift.api.tokens[].hash.",
                "Reads the secret from the terminal without echo, or one line of stdin."})
final class HashCommand implements Callable<Integer> {

    @Option(names = "--sha256", description = "Print sha256:<hex> (for an API token) instead of a bcrypt hash.")
    boolean sha256;

    @Override
    public Integer call() throws IOException {
        String secret = read();
        if (secret == null || secret.isEmpty()) {
            System.err.println("nightshift: no secret given; type it at the prompt or pipe one line on stdin");
            return ExitCodes.USAGE;
        }
        System.out.println(sha256 ? CredentialHashes.sha256(secret) : new BCryptPasswordEncoder().encode(secret));
        return ExitCodes.SUCCESS;
    }

    private static String read() throws IOException {
        Console console = System.console();
        if (console != null && console.isTerminal()) {
            char[] typed = console.readPassword("secret: ");
            return typed == null ? null : new String(typed);
        }
        return new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    }
}
