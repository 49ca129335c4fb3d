package io.nightshift.api;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * A token bucket per caller for the mutating endpoints (every POST under /api): {@code burst} calls at once, refilled
 * at {@code per-minute}; a call beyond that is answered 429 with Retry-After (whole seconds until a token is back).
 * Runs after authorisation, so only signed-in callers allowed to call the endpoint spend tokens.
 */
final class RateLimitFilter extends OncePerRequestFilter {

    private final double perNano;
    private final int burst;
    private final LongSupplier nanoTime;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    RateLimitFilter(ApiProperties.RateLimit limit) {
        this(limit, System::nanoTime);
    }

    RateLimitFilter(ApiProperties.RateLimit limit, LongSupplier nanoTime) {
        this.perNano = limit.perMinute() / 60e9;
        this.burst = limit.burst();
        this.nanoTime = nanoTime;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !"POST".equals(request.getMethod()) || !request.getRequestURI().startsWith("/api/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Authentication caller = SecurityContextHolder.getContext().getAuthentication();
        String name = caller == null ? "anonymous" : caller.getName();
        long waitNanos = buckets.computeIfAbsent(name, key -> new Bucket(burst, nanoTime.getAsLong())).take(nanoTime.getAsLong());
        if (waitNanos > 0) {
            long seconds = Math.max(1, (long) Math.ceil(waitNanos / 1e9));
            response.setHeader("Retry-After", Long.toString(seconds));
            Problems.write(request, response, HttpStatus.TOO_MANY_REQUESTS, "Too many changes from " + name + ": at most " + burst
                    + " at once and " + Math.round(perNano * 60e9) + " a minute (nightshift.api.rate-limit); retry in " + seconds + " s.");
            return;
        }
        chain.doFilter(request, response);
    }

    /** Tokens left and when they were counted; {@link #take} returns 0 when a token was taken, else the wait for one. */
    private final class Bucket {
        private double tokens;
        private long countedAt;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.countedAt = now;
        }

        synchronized long take(long now) {
            tokens = Math.min(burst, tokens + (now - countedAt) * perNano);
            countedAt = now;
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return (long) Math.ceil((1 - tokens) / perNano);
        }
    }
}
