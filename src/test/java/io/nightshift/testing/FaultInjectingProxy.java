package io.nightshift.testing;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * An HTTP/1.1 proxy on 127.0.0.1 between the AWS SDK and the S3 test server that injects faults per request: S3's
 * 503 SlowDown and 500 InternalError, a connection reset (RST) while the request body is being sent or while the
 * response is being read, and a delay (2 s by default). It understands just enough HTTP for the SDK's Apache client: keep-alive,
 * {@code Expect: 100-continue}, bodies framed by {@code Content-Length} or chunked.
 *
 * <p>Faults come from two sources. Scripted ones ({@link #inject}) hit the next requests a predicate matches, for
 * tests of one fault at one place. Random ones ({@link #injectRandomly}) hit each request with a probability; the
 * draw is a function of the seed, the request's identity (method, path, query without upload ids, range) and how
 * often that identity was seen, so a seed replays the same faults for the same requests however the threads of a
 * run interleave.
 */
public final class FaultInjectingProxy implements AutoCloseable {

    /** What can go wrong with one request. */
    public enum Fault {
        /** 503 with S3's SlowDown error body, after the request was read: nothing reaches the server. */
        SLOW_DOWN,
        /** 500 with S3's InternalError body, after the request was read: nothing reaches the server. */
        INTERNAL_ERROR,
        /** Part of the request body is read, then the connection is reset: nothing reaches the server. */
        RESET_DURING_REQUEST_BODY,
        /** The server handles the request, part of its response is forwarded, then the connection is reset. */
        RESET_DURING_RESPONSE_BODY,
        /** The request reaches the server late: 2 s unless the proxy was started with another delay. */
        DELAY
    }

    /** One request as the proxy saw it: method, target (path and query), headers with lower-case names. */
    public record Request(String method, String target, Map<String, String> headers) {
        public Request {
            requireNonNull(method, "method is null");
            requireNonNull(target, "target is null");
            headers = Map.copyOf(headers);
        }

        public String path() {
            int query = target.indexOf('?');
            return query < 0 ? target : target.substring(0, query);
        }

        public String query() {
            int query = target.indexOf('?');
            return query < 0 ? "" : target.substring(query + 1);
        }

        /** PUT of a whole object or of one part, the requests that carry data. */
        public boolean isUpload() {
            return method.equals("PUT");
        }

        /** GET of an object (not a listing, which has a query on the bucket). */
        public boolean isObjectGet() {
            return method.equals("GET") && path().indexOf('/', 1) > 0;
        }
    }

    public static final Duration DEFAULT_DELAY = Duration.ofSeconds(2);

    private static final int HEADER_LIMIT_BYTES = 64 * 1024;

    private final ServerSocket server;
    private final int upstreamPort;
    private final Duration delay;
    private final List<Request> seen = new CopyOnWriteArrayList<>();
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final List<Script> scripts = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, AtomicInteger> occurrences = new ConcurrentHashMap<>();
    private final Map<Fault, AtomicInteger> injected = new EnumMap<>(Fault.class);
    private final AtomicLong requests = new AtomicLong();
    private volatile RandomFaults randomFaults;
    private volatile boolean closed;

    private record Script(Predicate<Request> matching, Fault fault, AtomicInteger remaining) {
    }

    private record RandomFaults(long seed, double probability, List<Fault> kinds) {
    }

    private FaultInjectingProxy(int upstreamPort, Duration delay) throws IOException {
        this.upstreamPort = upstreamPort;
        this.delay = requireNonNull(delay, "delay is null");
        this.server = new ServerSocket(0, 100, InetAddress.getLoopbackAddress());
        for (Fault fault : Fault.values()) {
            injected.put(fault, new AtomicInteger());
        }
        Thread.ofVirtual().name("fault-proxy-accept").start(this::acceptLoop);
    }

    /** A proxy in front of the server at {@code 127.0.0.1:upstreamPort}, injecting nothing until told to. */
    public static FaultInjectingProxy start(int upstreamPort) throws IOException {
        return new FaultInjectingProxy(upstreamPort, DEFAULT_DELAY);
    }

    /** The same with another {@link Fault#DELAY}, for unit tests that only need "late", not "2 s late". */
    public static FaultInjectingProxy start(int upstreamPort, Duration delay) throws IOException {
        return new FaultInjectingProxy(upstreamPort, delay);
    }

    /** {@code http://127.0.0.1:<port>}, to use as the S3 endpoint. */
    public String endpoint() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    /** Injects {@code fault} into the next {@code times} requests that {@code matching} accepts; before any random fault. */
    public void inject(Fault fault, int times, Predicate<Request> matching) {
        scripts.add(new Script(requireNonNull(matching, "matching is null"), requireNonNull(fault, "fault is null"),
                new AtomicInteger(times)));
    }

    /** From now on, injects one of {@code kinds} (chosen evenly) into each request with {@code probability}. */
    public void injectRandomly(long seed, double probability, Set<Fault> kinds) {
        if (probability < 0 || probability > 1) {
            throw new IllegalArgumentException("probability must be in [0, 1]: " + probability);
        }
        if (kinds.isEmpty()) {
            throw new IllegalArgumentException("no fault kinds given");
        }
        randomFaults = new RandomFaults(seed, probability, List.copyOf(EnumSet.copyOf(kinds)));
    }

    /** Stops injecting faults (scripted ones not yet used are dropped) and forgets what was counted and seen. */
    public void reset() {
        randomFaults = null;
        scripts.clear();
        occurrences.clear();
        seen.clear();
        requests.set(0);
        injected.values().forEach(count -> count.set(0));
    }

    public long requests() {
        return requests.get();
    }

    /** Every request received since the start or the last {@link #reset()}, in order of arrival. */
    public List<Request> seen() {
        return List.copyOf(seen);
    }

    public int injected(Fault fault) {
        return injected.get(fault).get();
    }

    public int injectedTotal() {
        return injected.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    /** "87 requests, 9 faulted (SLOW_DOWN 3, DELAY 6)", for a test's report. */
    public String summary() {
        StringBuilder faults = new StringBuilder();
        injected.forEach((fault, count) -> {
            if (count.get() > 0) {
                faults.append(faults.isEmpty() ? "" : ", ").append(fault).append(' ').append(count.get());
            }
        });
        return requests() + " requests, " + injectedTotal() + " faulted" + (faults.isEmpty() ? "" : " (" + faults + ")");
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        sockets.forEach(FaultInjectingProxy::closeQuietly);
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = server.accept();
                sockets.add(client);
                Thread.ofVirtual().name("fault-proxy-connection").start(() -> serve(client));
            } catch (IOException e) {
                if (!closed) {
                    throw new IllegalStateException("Fault-injecting proxy cannot accept connections", e);
                }
            }
        }
    }

    /** Serves the requests of one keep-alive client connection in turn. */
    private void serve(Socket client) {
        try {
            InputStream in = new BufferedInputStream(client.getInputStream());
            OutputStream out = client.getOutputStream();
            while (!closed) {
                List<String> head = readHead(in);
                if (head == null) {
                    return;
                }
                Request request = parseRequest(head);
                requests.incrementAndGet();
                seen.add(request);
                Fault fault = decide(request);
                if (fault != null) {
                    injected.get(fault).incrementAndGet();
                }
                if ("100-continue".equalsIgnoreCase(request.headers().get("expect"))) {
                    // Answered here, so the server never sees the Expect header (the SDK does not sign it).
                    out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(ISO_8859_1));
                    out.flush();
                }
                if (fault == Fault.RESET_DURING_REQUEST_BODY) {
                    readPartOfBody(in, request);
                    resetAndClose(client);
                    return;
                }
                byte[] body = readBody(in, request.headers(), false);
                if (fault == Fault.SLOW_DOWN || fault == Fault.INTERNAL_ERROR) {
                    out.write(errorResponse(request, fault));
                    out.flush();
                    continue;
                }
                if (fault == Fault.DELAY) {
                    Thread.sleep(delay);
                }
                byte[] response = forward(head, body, request);
                if (fault == Fault.RESET_DURING_RESPONSE_BODY) {
                    out.write(response, 0, cutPoint(response));
                    out.flush();
                    resetAndClose(client);
                    return;
                }
                out.write(response);
                out.flush();
                if ("close".equalsIgnoreCase(request.headers().get("connection"))) {
                    return;
                }
            }
        } catch (IOException e) {
            // The client went away or broke the connection itself: nothing left to serve.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeQuietly(client);
            sockets.remove(client);
        }
    }

    private Fault decide(Request request) {
        synchronized (scripts) {
            for (Iterator<Script> it = scripts.iterator(); it.hasNext(); ) {
                Script script = it.next();
                if (script.matching().test(request)) {
                    if (script.remaining().decrementAndGet() <= 0) {
                        it.remove();
                    }
                    return script.fault();
                }
            }
        }
        RandomFaults random = randomFaults;
        if (random == null) {
            return null;
        }
        String identity = identity(request);
        int occurrence = occurrences.computeIfAbsent(identity, key -> new AtomicInteger()).incrementAndGet();
        SplittableRandom draw = new SplittableRandom(random.seed() * 1_000_003L + identity.hashCode() * 31L + occurrence);
        if (draw.nextDouble() >= random.probability()) {
            return null;
        }
        return random.kinds().get(draw.nextInt(random.kinds().size()));
    }

    /** What makes a request the same request again: not the multipart upload id, which is new every time. */
    private static String identity(Request request) {
        TreeMap<String, String> query = new TreeMap<>();
        for (String parameter : request.query().split("&")) {
            if (!parameter.isEmpty() && !parameter.startsWith("uploadId=")) {
                int equals = parameter.indexOf('=');
                query.put(equals < 0 ? parameter : parameter.substring(0, equals), equals < 0 ? "" : parameter.substring(equals + 1));
            }
        }
        return request.method() + " " + request.path() + " " + query + " " + request.headers().getOrDefault("range", "");
    }

    /** Sends the request to the server on a connection of its own and returns the whole raw response. */
    private byte[] forward(List<String> head, byte[] body, Request request) throws IOException {
        try (Socket upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort)) {
            OutputStream toServer = upstream.getOutputStream();
            StringBuilder forwarded = new StringBuilder(head.getFirst()).append("\r\n");
            for (String line : head.subList(1, head.size())) {
                String name = line.substring(0, Math.max(0, line.indexOf(':'))).trim().toLowerCase(Locale.ROOT);
                if (!name.equals("expect")) {
                    forwarded.append(line).append("\r\n");
                }
            }
            forwarded.append("\r\n");
            toServer.write(forwarded.toString().getBytes(ISO_8859_1));
            toServer.write(body);
            toServer.flush();

            InputStream fromServer = new BufferedInputStream(upstream.getInputStream());
            List<String> responseHead = readHead(fromServer);
            if (responseHead == null) {
                throw new EOFException("The S3 test server closed the connection without answering " + head.getFirst());
            }
            int status = Integer.parseInt(responseHead.getFirst().split(" ")[1]);
            Map<String, String> headers = headers(responseHead);
            boolean noBody = request.method().equals("HEAD") || status == 204 || status == 304 || status / 100 == 1;
            byte[] responseBody = noBody ? new byte[0] : readBody(fromServer, headers, true);
            ByteArrayOutputStream response = new ByteArrayOutputStream(responseBody.length + 512);
            for (String line : responseHead) {
                response.write((line + "\r\n").getBytes(ISO_8859_1));
            }
            response.write("\r\n".getBytes(ISO_8859_1));
            response.write(responseBody);
            return response.toByteArray();
        }
    }

    /** Where a response is cut: halfway into the body, or halfway into the head of a response without a body. */
    private static int cutPoint(byte[] response) {
        int headEnd = indexOf(response, "\r\n\r\n".getBytes(ISO_8859_1)) + 4;
        int bodyLength = response.length - headEnd;
        return bodyLength > 1 ? headEnd + bodyLength / 2 : headEnd / 2;
    }

    private static byte[] errorResponse(Request request, Fault fault) {
        boolean slowDown = fault == Fault.SLOW_DOWN;
        String body = """
                <?xml version="1.0" encoding="UTF-8"?>
                <Error><Code>%s</Code><Message>%s</Message><RequestId>injected-fault</RequestId></Error>"""
                .formatted(slowDown ? "SlowDown" : "InternalError",
                        slowDown ? "Please reduce your request rate." : "We encountered an internal error. Please try again.");
        byte[] bodyBytes = body.getBytes(UTF_8);
        String head = "HTTP/1.1 " + (slowDown ? "503 Slow Down" : "500 Internal Server Error") + "\r\n"
                + "Content-Type: application/xml\r\n"
                + "x-amz-request-id: injected-fault\r\n"
                + "Content-Length: " + bodyBytes.length + "\r\n\r\n";
        ByteArrayOutputStream response = new ByteArrayOutputStream();
        response.writeBytes(head.getBytes(ISO_8859_1));
        if (!request.method().equals("HEAD")) {
            response.writeBytes(bodyBytes);
        }
        return response.toByteArray();
    }

    /** Reads the request (or status) line and header lines up to the blank line; null at a clean end of stream. */
    private static List<String> readHead(InputStream in) throws IOException {
        List<String> lines = new ArrayList<>();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int total = 0;
        while (true) {
            int b = in.read();
            if (b < 0) {
                if (lines.isEmpty() && line.size() == 0) {
                    return null;
                }
                throw new EOFException("Connection ended inside an HTTP head");
            }
            if (++total > HEADER_LIMIT_BYTES) {
                throw new IOException("HTTP head longer than " + HEADER_LIMIT_BYTES + " bytes");
            }
            if (b == '\n') {
                String text = line.toString(ISO_8859_1);
                if (text.endsWith("\r")) {
                    text = text.substring(0, text.length() - 1);
                }
                line.reset();
                if (text.isEmpty()) {
                    if (lines.isEmpty()) {
                        continue;
                    }
                    return lines;
                }
                lines.add(text);
            } else {
                line.write(b);
            }
        }
    }

    private static Request parseRequest(List<String> head) throws IOException {
        String[] requestLine = head.getFirst().split(" ");
        if (requestLine.length != 3) {
            throw new IOException("Not an HTTP request line: " + head.getFirst());
        }
        return new Request(requestLine[0], requestLine[1], headers(head));
    }

    private static Map<String, String> headers(List<String> head) {
        Map<String, String> headers = new TreeMap<>();
        for (String line : head.subList(1, head.size())) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
            }
        }
        return headers;
    }

    /** Reads a body as framed on the wire (chunk lines included), so it can be forwarded byte for byte. */
    private static byte[] readBody(InputStream in, Map<String, String> headers, boolean untilEndIfUnframed) throws IOException {
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            return readChunked(in);
        }
        String length = headers.get("content-length");
        if (length != null) {
            return in.readNBytes(Math.toIntExact(Long.parseLong(length)));
        }
        return untilEndIfUnframed ? in.readAllBytes() : new byte[0];
    }

    private static byte[] readChunked(InputStream in) throws IOException {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = readLine(in, raw);
            int semicolon = sizeLine.indexOf(';');
            int size = Integer.parseInt((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
            if (size == 0) {
                // Trailers, up to a blank line.
                while (!readLine(in, raw).isEmpty()) {
                    // copied into raw by readLine
                }
                return raw.toByteArray();
            }
            raw.write(in.readNBytes(size));
            readLine(in, raw);
        }
    }

    private static String readLine(InputStream in, ByteArrayOutputStream copy) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            copy.write(b);
            if (b == '\n') {
                String text = line.toString(ISO_8859_1);
                return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
            }
            line.write(b);
        }
        throw new EOFException("Connection ended inside a chunked body");
    }

    /** Reads some of the body (half, and at least a byte when there is one), as a server that breaks off would. */
    private static void readPartOfBody(InputStream in, Request request) throws IOException {
        String length = request.headers().get("content-length");
        long total = length != null ? Long.parseLong(length)
                : "chunked".equalsIgnoreCase(request.headers().get("transfer-encoding")) ? 2 : 0;
        if (total > 0) {
            in.readNBytes((int) Math.max(1, Math.min(total / 2, Integer.MAX_VALUE)));
        }
    }

    /** Closes with RST instead of FIN: the peer's next read or write fails with "Connection reset". */
    private static void resetAndClose(Socket socket) {
        try {
            socket.setSoLinger(true, 0);
        } catch (SocketException e) {
            // Already closed: nothing to reset.
        }
        closeQuietly(socket);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // Already broken: nothing left to release.
        }
    }
}
