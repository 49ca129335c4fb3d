package io.nightshift.api;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses a request whose body is larger than {@code nightshift.api.max-body-size} with 413 before anything reads it:
 * by its Content-Length, and a body without one (chunked) outright, since no endpoint needs a streamed body.
 */
final class BodySizeLimitFilter extends OncePerRequestFilter {

    private final long maxBytes;

    BodySizeLimitFilter(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long length = request.getContentLengthLong();
        boolean chunked = length < 0 && request.getHeader("Transfer-Encoding") != null;
        if (length > maxBytes || chunked) {
            response.setHeader("Connection", "close");
            Problems.write(request, response, HttpStatus.CONTENT_TOO_LARGE, chunked
                    ? "A request body must carry its Content-Length (at most " + maxBytes + " bytes, nightshift.api.max-body-size)."
                    : "The request body has " + length + " bytes; at most " + maxBytes + " are accepted (nightshift.api.max-body-size).");
            return;
        }
        chain.doFilter(request, response);
    }
}
