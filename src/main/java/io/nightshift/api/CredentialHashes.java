package io.nightshift.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** The hashes the API's credentials are stored as: bcrypt for passwords (and tokens), sha256 for tokens. */
public final class CredentialHashes {

    private static final Pattern BCRYPT = Pattern.compile("\\$2[aby]?\\$\\d\\d\\$[./A-Za-z0-9]{53}");

    private CredentialHashes() {
    }

    static boolean isBcrypt(String hash) {
        return BCRYPT.matcher(hash).matches();
    }

    /** {@code sha256:<hex>} of a token, as {@code nightshift.api.tokens[].hash} holds it. */
    public static String sha256(String token) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("This JVM has no SHA-256", e);
        }
    }
}
