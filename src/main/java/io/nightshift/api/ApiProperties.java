package io.nightshift.api;

import static java.util.Objects.requireNonNull;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Settings of the REST API under {@code nightshift.api.*} (serve only), documented in {@code config/application-serve.yaml}.
 *
 * @param users       people, who sign in with HTTP Basic: a name, a bcrypt hash of the password, roles
 * @param tokens      automation, which sends {@code Authorization: Bearer <token>}: a name, the token's hash, roles
 * @param maxBodySize a request body larger than this is refused with 413 before it is read
 * @param rateLimit   how often one caller may call a mutating endpoint (POST)
 */
@ConfigurationProperties("nightshift.api")
public record ApiProperties(
        @DefaultValue List<User> users,
        @DefaultValue List<Token> tokens,
        @DefaultValue("64KB") DataSize maxBodySize,
        @DefaultValue RateLimit rateLimit) {

    /** What a role may do; a user may hold several. */
    public enum Role {
        /** Every GET. */
        VIEWER,
        /** Trigger, stop, relaunch, abandon runs; reload the job specs. Implies viewer. */
        OPERATOR,
        /** Approve, reject, roll back models. Implies viewer. */
        APPROVER,
        /** Everything. */
        ADMIN;

        static Role of(String text, String setting) {
            try {
                return valueOf(text.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(setting + " names role '" + text + "'; the roles are viewer, operator, approver"
                        + " and admin");
            }
        }
    }

    public ApiProperties {
        users = List.copyOf(users);
        tokens = List.copyOf(tokens);
        Set<String> names = new HashSet<>();
        for (User user : users) {
            requireUnique(names, user.name());
        }
        for (Token token : tokens) {
            requireUnique(names, token.name());
        }
    }

    private static void requireUnique(Set<String> names, String name) {
        if (!names.add(name)) {
            throw new IllegalArgumentException("nightshift.api.users and nightshift.api.tokens name '" + name + "' twice;"
                    + " every user and token needs its own name (it is who the audit trail records)");
        }
    }

    /** A person: {@code password-hash} is bcrypt ({@code $2a$...}), e.g. from {@code nightshift hash}. */
    public record User(String name, String passwordHash, List<String> roles) {
        public User {
            requireNonNull(name, "nightshift.api.users[].name is not set");
            if (passwordHash == null || !CredentialHashes.isBcrypt(passwordHash)) {
                throw new IllegalArgumentException("nightshift.api.users[" + name + "].password-hash must be a bcrypt hash"
                        + " ($2a$...); make one with `nightshift hash`");
            }
            roles = roles == null ? List.of() : List.copyOf(roles);
            roles.forEach(role -> Role.of(role, "nightshift.api.users[" + name + "].roles"));
        }
    }

    /** A token: {@code hash} is {@code sha256:<64 hex digits>} of the token, or a bcrypt hash of it. */
    public record Token(String name, String hash, List<String> roles) {
        public Token {
            requireNonNull(name, "nightshift.api.tokens[].name is not set");
            if (hash == null || !(CredentialHashes.isBcrypt(hash) || hash.matches("sha256:[0-9a-fA-F]{64}"))) {
                throw new IllegalArgumentException("nightshift.api.tokens[" + name + "].hash must be sha256:<64 hex digits> or a"
                        + " bcrypt hash of the token; make one with `nightshift hash --sha256`");
            }
            roles = roles == null ? List.of() : List.copyOf(roles);
            roles.forEach(role -> Role.of(role, "nightshift.api.tokens[" + name + "].roles"));
        }
    }

    /** A token bucket per caller: {@code burst} calls at once, refilled at {@code perMinute}. */
    public record RateLimit(@DefaultValue("60") double perMinute, @DefaultValue("10") int burst) {
        public RateLimit {
            if (perMinute <= 0 || burst < 1) {
                throw new IllegalArgumentException("nightshift.api.rate-limit needs per-minute > 0 and burst >= 1, was "
                        + perMinute + " and " + burst);
            }
        }
    }
}
