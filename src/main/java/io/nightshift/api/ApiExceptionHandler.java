package io.nightshift.api;

import io.nightshift.NightshiftException;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.context.annotation.Profile;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ResponseEntity;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Every error of a controller as a problem detail: ours by their disposition ({@link Problems#status}), Spring MVC's
 * own (404 unknown path, 405, 400 bad parameter, 415) as Spring words them, anything else 500 without internals (the
 * log has the trace).
 */
@RestControllerAdvice
@Profile("serve")
final class ApiExceptionHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);

    @ExceptionHandler(NightshiftException.class)
    ProblemDetail nightshift(NightshiftException error, HttpServletRequest request) {
        if (error.disposition() == NightshiftException.Disposition.BUG) {
            log.error("{} {} failed: {}", request.getMethod(), request.getRequestURI(), error.getMessage(), error);
        }
        return withInstance(Problems.of(error), request);
    }

    @ExceptionHandler(NotFoundException.class)
    ProblemDetail notFound(NotFoundException error, HttpServletRequest request) {
        return withInstance(Problems.of(HttpStatus.NOT_FOUND, error.getMessage()), request);
    }

    /** A bad argument is the caller's to fix, as on the command line (exit 2). */
    @ExceptionHandler(IllegalArgumentException.class)
    ProblemDetail badArgument(IllegalArgumentException error, HttpServletRequest request) {
        return withInstance(Problems.of(HttpStatus.BAD_REQUEST, error.getMessage()), request);
    }

    @ExceptionHandler(RuntimeException.class)
    ProblemDetail unexpected(RuntimeException error, HttpServletRequest request) {
        log.error("{} {} failed: {}", request.getMethod(), request.getRequestURI(), error.getMessage(), error);
        return withInstance(Problems.of(HttpStatus.INTERNAL_SERVER_ERROR, "An internal error; the server's log has the details."),
                request);
    }

    /** Spring MVC's own problems (404 unknown path, 405, 400, 415) get a type and, like ours, the path as instance. */
    @Override
    protected ResponseEntity<Object> createResponseEntity(Object body, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        if (body instanceof ProblemDetail problem && problem.getType() == null) {
            problem.setType(URI.create("about:blank"));
        }
        return super.createResponseEntity(body, headers, status, request);
    }

    private static ProblemDetail withInstance(ProblemDetail problem, HttpServletRequest request) {
        problem.setInstance(URI.create(request.getRequestURI()));
        return problem;
    }
}
