package io.nightshift.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * A hand-written EC2 instance metadata service for the spot watcher's tests (the real one exists only on EC2), IMDSv2
 * only: {@code PUT /latest/api/token} with a TTL header hands out a token, and a GET without that token gets 401.
 * The spot instance action and the rebalance recommendation answer 404 until a test sets them.
 */
public final class FakeInstanceMetadata implements AutoCloseable {

    private final HttpServer server;
    private final String token = UUID.randomUUID().toString();
    private volatile String instanceAction;
    private volatile String rebalance;

    public FakeInstanceMetadata() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/latest/api/token", this::token);
        server.createContext("/latest/meta-data/spot/instance-action", exchange -> answer(exchange, instanceAction));
        server.createContext("/latest/meta-data/events/recommendations/rebalance", exchange -> answer(exchange, rebalance));
        server.start();
    }

    /** Where it listens, for {@code nightshift.spot.endpoint}. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** From now on a spot interruption is pending: {@code action} (stop, terminate) at {@code time} (ISO-8601, UTC). */
    public void interrupt(String action, String time) {
        instanceAction = "{\"action\": \"" + action + "\", \"time\": \"" + time + "\"}";
    }

    /** From now on a rebalance recommendation is pending. */
    public void recommendRebalance(String noticeTime) {
        rebalance = "{\"noticeTime\": \"" + noticeTime + "\"}";
    }

    private void token(HttpExchange exchange) throws IOException {
        boolean valid = exchange.getRequestMethod().equals("PUT")
                && exchange.getRequestHeaders().getFirst("X-aws-ec2-metadata-token-ttl-seconds") != null;
        respond(exchange, valid ? 200 : 400, valid ? token : "");
    }

    private void answer(HttpExchange exchange, String body) throws IOException {
        if (!token.equals(exchange.getRequestHeaders().getFirst("X-aws-ec2-metadata-token"))) {
            respond(exchange, 401, "");
        } else if (body == null) {
            respond(exchange, 404, "");
        } else {
            respond(exchange, 200, body);
        }
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
