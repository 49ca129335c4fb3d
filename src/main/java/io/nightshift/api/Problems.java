package io.nightshift.api;

import io.nightshift.NightshiftException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.Locale;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * RFC 9457 problem details, the API's only error body: {@code type}, {@code title}, {@code status}, {@code detail},
 * {@code instance}, and for our own errors their {@code disposition} (as the CLI classifies them). Never a stack trace
 * or an exception's class name.
 */
final class Problems {

    private static final String TYPE_PREFIX = "https://nightshift.io/problems/";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private Problems() {
    }

    /**
     * The status of one of our errors, from its disposition: a request that conflicts with the state of what it names
     * (run alive or complete, four eyes, wrong model state) 409; a spec, setting or model to fix 422; a run that failed
     * and can be relaunched 409; an unknown commit outcome and a bug 500. (Unknown things are 404, found by the
     * controllers before they call the feature.)
     */
    static HttpStatus status(NightshiftException.Disposition disposition) {
        return switch (disposition) {
            case USAGE, RELAUNCHABLE -> HttpStatus.CONFLICT;
            case CONFIGURATION -> HttpStatus.UNPROCESSABLE_CONTENT;
            case COMMIT_STATE_UNKNOWN, BUG -> HttpStatus.INTERNAL_SERVER_ERROR;
        };
    }

    /** A problem for one of our errors; a BUG's message stays in the log. */
    static ProblemDetail of(NightshiftException error) {
        HttpStatus status = status(error.disposition());
        String detail = error.disposition() == NightshiftException.Disposition.BUG
                ? "An internal error; the server's log has the details." : error.getMessage();
        ProblemDetail problem = of(status, detail);
        problem.setType(URI.create(TYPE_PREFIX + error.disposition().name().toLowerCase(Locale.ROOT).replace('_', '-')));
        problem.setProperty("disposition", error.disposition().name());
        return problem;
    }

    static ProblemDetail of(HttpStatus status, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(URI.create("about:blank"));
        problem.setTitle(status.getReasonPhrase());
        return problem;
    }

    /** Writes a problem from a servlet filter (security, limits), where no MVC message converter is at hand. */
    static void write(HttpServletRequest request, HttpServletResponse response, HttpStatus status, String detail) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        body.put("type", "about:blank");
        body.put("title", status.getReasonPhrase());
        body.put("status", status.value());
        body.put("detail", detail);
        body.put("instance", request.getRequestURI());
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write(JSON.writeValueAsString(body));
    }
}
