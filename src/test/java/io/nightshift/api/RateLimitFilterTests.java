package io.nightshift.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.context.SecurityContextHolder;

/** The token bucket of the mutating endpoints, on a hand-set clock: burst, refill, Retry-After, one bucket per caller. */
class RateLimitFilterTests {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final RateLimitFilter filter = new RateLimitFilter(new ApiProperties.RateLimit(6, 2), now::get);

    @AfterEach
    void signOut() {
        SecurityContextHolder.clearContext();
    }

    @Test
    void aCallerGetsItsBurstThenWaitsForTheRefill() throws Exception {
        // when: three calls at once, then one 10 s later (6 a minute: one token every 10 s)
        int first = post("alice");
        int second = post("alice");
        MockHttpServletResponse third = call("alice", "POST");
        now.addAndGet(10_000_000_000L);
        int afterRefill = post("alice");

        // then
        assertThat(first).isEqualTo(200);
        assertThat(second).isEqualTo(200);
        assertThat(third.getStatus()).isEqualTo(429);
        assertThat(third.getHeader("Retry-After")).isEqualTo("10");
        assertThat(third.getContentType()).startsWith("application/problem+json");
        assertThat(afterRefill).isEqualTo(200);
    }

    @Test
    void eachCallerHasItsOwnBucketAndReadsAreNotLimited() throws Exception {
        // given: alice spent her burst
        post("alice");
        post("alice");

        // when / then
        assertThat(post("alice")).isEqualTo(429);
        assertThat(post("bob")).isEqualTo(200);
        assertThat(call("alice", "GET").getStatus()).isEqualTo(200);
    }

    private int post(String caller) throws Exception {
        return call(caller, "POST").getStatus();
    }

    private MockHttpServletResponse call(String caller, String method) throws Exception {
        SecurityContextHolder.getContext().setAuthentication(UsernamePasswordAuthenticationToken.authenticated(caller, null, java.util.List.of()));
        MockHttpServletRequest request = new MockHttpServletRequest(method, "/api/jobs/reload");
        MockHttpServletResponse response = new MockHttpServletResponse();
        filter.doFilter(request, response, new MockFilterChain());
        return response;
    }
}
