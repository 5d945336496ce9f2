package dev.docpipe.standins;

import redis.embedded.RedisServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

/**
 * A real redis-server (the binary bundled with embedded-redis) on 127.0.0.1. It can be stopped and
 * started again on the same port, which is how tests take Redis away from a running client.
 */
public final class RedisStandIn implements AutoCloseable {
    private static RedisStandIn shared;

    private final int port;
    private RedisServer server;

    private RedisStandIn(int port) {
        this.port = port;
    }

    /** The per-JVM server, started on first use. */
    public static synchronized RedisStandIn shared() {
        if (shared == null) {
            shared = startNew();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "redis-stand-in-stop"));
        }
        return shared;
    }

    /** A server of its own on a free port. */
    public static RedisStandIn startNew() {
        RedisStandIn redis = new RedisStandIn(freePort());
        redis.start();
        return redis;
    }

    public synchronized void start() {
        if (server != null && server.isActive()) {
            return;
        }
        try {
            server = RedisServer.newRedisServer()
                    .port(port)
                    .bind("127.0.0.1")
                    .setting("save \"\"")
                    .setting("appendonly no")
                    // its timer runs 10 times a second by default; once is enough for a stand-in (keys
                    // still expire when read; only the background sampling of expired keys slows)
                    .setting("hz 1")
                    .build();
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start redis-server on port " + port, e);
        }
    }

    public synchronized void stop() {
        if (server != null) {
            try {
                server.stop();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    public int port() {
        return port;
    }

    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    @Override
    public void close() {
        stop();
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
