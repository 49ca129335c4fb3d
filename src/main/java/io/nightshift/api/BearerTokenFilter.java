package io.nightshift.api;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Signs in automation that sends {@code Authorization: Bearer <token>}: the token is compared with the hashes of
 * {@code nightshift.api.tokens} (sha256 in constant time, or bcrypt), and the caller becomes the token's name with its
 * roles. A wrong token is answered 401 at once; the token itself is never logged or echoed.
 */
final class BearerTokenFilter extends OncePerRequestFilter {

    private static final String PREFIX = "Bearer ";

    private final List<ApiProperties.Token> tokens;
    private final PasswordEncoder encoder;
    private final AuthenticationEntryPoint unauthorized;

    BearerTokenFilter(List<ApiProperties.Token> tokens, PasswordEncoder encoder, AuthenticationEntryPoint unauthorized) {
        this.tokens = List.copyOf(tokens);
        this.encoder = encoder;
        this.unauthorized = unauthorized;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            chain.doFilter(request, response);
            return;
        }
        Optional<ApiProperties.Token> token = match(header.substring(PREFIX.length()).strip());
        if (token.isEmpty()) {
            SecurityContextHolder.clearContext();
            unauthorized.commence(request, response, new BadCredentialsException("unknown bearer token"));
            return;
        }
        SecurityContext context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(UsernamePasswordAuthenticationToken.authenticated(token.get().name(), null,
                AuthorityUtils.createAuthorityList(java.util.Arrays.stream(ApiSecurityConfiguration.roles(token.get().roles()))
                        .map(role -> "ROLE_" + role).toArray(String[]::new))));
        SecurityContextHolder.setContext(context);
        try {
            chain.doFilter(request, response);
        } finally {
            SecurityContextHolder.clearContext();
        }
    }

    private Optional<ApiProperties.Token> match(String presented) {
        byte[] sha256 = CredentialHashes.sha256(presented).getBytes(StandardCharsets.US_ASCII);
        for (ApiProperties.Token token : tokens) {
            boolean matches = token.hash().startsWith("sha256:")
                    ? MessageDigest.isEqual(sha256, token.hash().toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII))
                    : encoder.matches(presented, token.hash());
            if (matches) {
                return Optional.of(token);
            }
        }
        return Optional.empty();
    }
}
