package io.nightshift.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on 127.0.0.1 that, once armed, resets the client's connection (RST) after forwarding a given number
 * of response bytes: the "connection reset while the caller reads the body" that SDK retries do not cover.
 */
final class ConnectionResettingProxy implements AutoCloseable {

    private final ServerSocket server;
    private final int upstreamPort;
    private final List<Socket> sockets = new ArrayList<>();
    private final AtomicBoolean armed = new AtomicBoolean();
    private final AtomicLong responseBytesSinceArmed = new AtomicLong();
    private final AtomicInteger resets = new AtomicInteger();
    private volatile long resetAfterBytes;
    private volatile boolean closed;

    ConnectionResettingProxy(int upstreamPort) throws IOException {
        this.upstreamPort = upstreamPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("resetting-proxy-accept").start(this::acceptLoop);
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    /** Resets the next connection whose response passes {@code bytes} bytes after this call; once. */
    void resetOnceAfterResponseBytes(long bytes) {
        resetAfterBytes = bytes;
        responseBytesSinceArmed.set(0);
        armed.set(true);
    }

    int resetsPerformed() {
        return resets.get();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort);
                synchronized (sockets) {
                    sockets.add(client);
                    sockets.add(upstream);
                }
                Thread.ofVirtual().start(() -> pump(client, upstream, false));
                Thread.ofVirtual().start(() -> pump(upstream, client, true));
            } catch (IOException e) {
                if (!closed) {
                    throw new IllegalStateException("Proxy accept failed", e);
                }
            }
        }
    }

    private void pump(Socket from, Socket to, boolean isResponse) {
        byte[] buffer = new byte[8192];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                out.flush();
                if (isResponse && armed.get()
                        && responseBytesSinceArmed.addAndGet(n) > resetAfterBytes
                        && armed.compareAndSet(true, false)) {
                    resets.incrementAndGet();
                    to.setSoLinger(true, 0);
                    to.close();
                    from.close();
                    return;
                }
            }
        } catch (IOException e) {
            // One side went away; closing both ends below tells the other side.
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // Already broken: nothing left to release.
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        synchronized (sockets) {
            sockets.forEach(ConnectionResettingProxy::closeQuietly);
        }
    }

}
