package io.nightshift.spot;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The EC2 instance metadata service, IMDSv2 only: a session token from {@code PUT /latest/api/token}, then the spot
 * instance action and the rebalance recommendation with that token. Both answer 404 while nothing is pending. Plain
 * {@link HttpClient} on purpose: two GETs do not justify the AWS SDK's IMDS client and its start-up cost.
 */
final class InstanceMetadata {

    static final String TOKEN_PATH = "/latest/api/token";
    static final String INSTANCE_ACTION_PATH = "/latest/meta-data/spot/instance-action";
    static final String REBALANCE_PATH = "/latest/meta-data/events/recommendations/rebalance";
    static final String TOKEN_HEADER = "X-aws-ec2-metadata-token";
    static final String TOKEN_TTL_HEADER = "X-aws-ec2-metadata-token-ttl-seconds";
    /** Six hours, the maximum; the token is asked for again when the service refuses it (401). */
    private static final int TOKEN_TTL_SECONDS = 21600;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** A pending spot interruption: {@code stop}, {@code terminate} or {@code hibernate}, and when. */
    record InstanceAction(String action, Instant time) {

        /** The stop reason a run and the serve node record, e.g. "spot interruption notice (terminate at 12:34:56Z)". */
        String reason() {
            return "spot interruption notice (" + action + " at " + time.toString().substring(11) + ")";
        }
    }

    private final URI endpoint;
    private final Duration timeout;
    private final HttpClient client;
    private String token;

    InstanceMetadata(URI endpoint, Duration timeout) {
        this.endpoint = endpoint;
        this.timeout = timeout;
        this.client = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /** Asks for a session token: the probe that tells whether this process runs on EC2 at all. */
    void connect() throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(endpoint.resolve(TOKEN_PATH)).timeout(timeout)
                .header(TOKEN_TTL_HEADER, Integer.toString(TOKEN_TTL_SECONDS))
                .PUT(HttpRequest.BodyPublishers.noBody()).build();
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("PUT " + request.uri() + " answered HTTP " + response.statusCode());
        }
        token = response.body().strip();
    }

    /** The pending spot interruption, if any. */
    Optional<InstanceAction> instanceAction() throws IOException, InterruptedException {
        return get(INSTANCE_ACTION_PATH).map(body -> {
            try {
                JsonNode json = JSON.readTree(body);
                return new InstanceAction(json.path("action").asString(), Instant.parse(json.path("time").asString()));
            } catch (JacksonException | java.time.format.DateTimeParseException e) {
                throw new IllegalStateException("Cannot read the spot instance action " + body + ": " + e.getMessage(), e);
            }
        });
    }

    /** The time of a pending rebalance recommendation (the instance is at elevated risk of interruption), if any. */
    Optional<String> rebalanceRecommendation() throws IOException, InterruptedException {
        return get(REBALANCE_PATH).map(body -> {
            try {
                return JSON.readTree(body).path("noticeTime").asString(body);
            } catch (JacksonException e) {
                return body;
            }
        });
    }

    private Optional<String> get(String path) throws IOException, InterruptedException {
        if (token == null) {
            connect();
        }
        HttpResponse<String> response = send(path);
        if (response.statusCode() == 401) {
            connect();
            response = send(path);
        }
        return switch (response.statusCode()) {
            case 200 -> Optional.of(response.body());
            case 404 -> Optional.empty();
            default -> throw new IOException("GET " + endpoint.resolve(path) + " answered HTTP " + response.statusCode());
        };
    }

    private HttpResponse<String> send(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(endpoint.resolve(path)).timeout(timeout).header(TOKEN_HEADER, token)
                .GET().build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
