package dev.docpipe.standins;

import redis.embedded.RedisServer;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A real Redis Cluster of masters without replicas (the redis-server bundled with embedded-redis, started
 * with {@code cluster-enabled yes}) on 127.0.0.1: the 16384 slots split evenly, the nodes introduced
 * with {@code CLUSTER MEET}. A node can be stopped and started again; it keeps its node id and slots
 * (its {@code nodes.conf} lives in a directory of this stand-in) and rejoins the others.
 *
 * <p>A cluster node also listens on its port + 10000 (the cluster bus), so the ports are picked where
 * both are free.
 */
public final class RedisClusterStandIn implements AutoCloseable {
    static final int SLOTS = 16384;
    /** How long a node may be silent before the others mark it failed. */
    static final int NODE_TIMEOUT_MS = 1000;

    private final Path dir;
    private final int[] ports;
    private final RedisServer[] servers;

    private RedisClusterStandIn(int masters) throws IOException {
        this.dir = Files.createTempDirectory("redis-cluster-");
        this.ports = new int[masters];
        this.servers = new RedisServer[masters];
        for (int i = 0; i < masters; i++) {
            ports[i] = freeClusterPort();
        }
    }

    /** A cluster of {@code masters} masters, every slot covered, {@code cluster_state:ok} on every node. */
    public static RedisClusterStandIn start(int masters) {
        try {
            RedisClusterStandIn cluster = new RedisClusterStandIn(masters);
            for (int i = 0; i < masters; i++) {
                cluster.startNode(i);
            }
            cluster.form();
            cluster.awaitOk(30_000);
            return cluster;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start a Redis cluster", e);
        }
    }

    private void form() {
        int per = SLOTS / ports.length;
        for (int i = 0; i < ports.length; i++) {
            int from = i * per;
            int to = i == ports.length - 1 ? SLOTS - 1 : from + per - 1;
            List<String> command = new ArrayList<>(List.of("CLUSTER", "ADDSLOTS"));
            for (int slot = from; slot <= to; slot++) {
                command.add(Integer.toString(slot));
            }
            call(ports[i], command.toArray(String[]::new));
        }
        for (int i = 1; i < ports.length; i++) {
            call(ports[0], "CLUSTER", "MEET", "127.0.0.1", Integer.toString(ports[i]));
        }
    }

    /** Waits until every running node reports {@code cluster_state:ok}. */
    public void awaitOk(long timeoutMs) {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        while (true) {
            boolean ok = true;
            for (int i = 0; i < ports.length && ok; i++) {
                try {
                    ok = call(ports[i], "CLUSTER", "INFO").contains("cluster_state:ok");
                } catch (UncheckedIOException e) {
                    ok = false;
                }
            }
            if (ok) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("the Redis cluster on " + uri() + " did not reach cluster_state:ok");
            }
            sleep(50);
        }
    }

    public synchronized void startNode(int i) {
        if (servers[i] != null && servers[i].isActive()) {
            return;
        }
        try {
            servers[i] = RedisServer.newRedisServer()
                    .port(ports[i])
                    .bind("127.0.0.1")
                    .setting("save \"\"")
                    .setting("appendonly no")
                    .setting("cluster-enabled yes")
                    .setting("cluster-config-file " + dir.resolve("nodes-" + ports[i] + ".conf"))
                    .setting("cluster-node-timeout " + NODE_TIMEOUT_MS)
                    .build();
            servers[i].start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start redis-server on port " + ports[i], e);
        }
    }

    public synchronized void stopNode(int i) {
        if (servers[i] != null) {
            try {
                servers[i].stop();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    public int port(int i) {
        return ports[i];
    }

    /** The first node: a cluster client learns the others from it. */
    public String uri() {
        return "redis://127.0.0.1:" + ports[0];
    }

    /** The node's answer to {@code CLUSTER KEYSLOT key}. */
    public int keySlot(String key) {
        return Integer.parseInt(call(ports[0], "CLUSTER", "KEYSLOT", key));
    }

    /** The index of the node that serves {@code slot}. */
    public int nodeOf(int slot) {
        int per = SLOTS / ports.length;
        return Math.min(slot / per, ports.length - 1);
    }

    @Override
    public void close() {
        for (int i = 0; i < servers.length; i++) {
            stopNode(i);
        }
    }

    /** One command over RESP; the reply as text (a simple string, an integer, or a bulk string). */
    static String call(int port, String... args) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            StringBuilder request = new StringBuilder("*").append(args.length).append("\r\n");
            for (String arg : args) {
                request.append('$').append(arg.getBytes(StandardCharsets.UTF_8).length).append("\r\n")
                        .append(arg).append("\r\n");
            }
            out.write(request.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            String line = line(in);
            return switch (line.charAt(0)) {
                case '+', ':' -> line.substring(1);
                case '$' -> new String(in.readNBytes(Integer.parseInt(line.substring(1))), StandardCharsets.UTF_8);
                default -> throw new IllegalStateException("redis on port " + port + " answered " + line);
            };
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != '\r') {
            if (c < 0) {
                throw new IOException("connection closed");
            }
            line.append((char) c);
        }
        in.read();
        return line.toString();
    }

    private static int freeClusterPort() {
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(20_000, 30_000);
            if (free(port) && free(port + 10_000)) {
                return port;
            }
        }
        throw new IllegalStateException("no free port pair (port, port + 10000) for a Redis cluster node");
    }

    private static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            socket.setReuseAddress(true);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
