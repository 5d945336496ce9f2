package dev.docpipe.fetch;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A raw TCP server on a loopback address that counts every accepted connection and runs a script per
 * connection. Used both as a scripted HTTP server (malformed, slow, endless responses) and as a trap that
 * proves a refused fetch never connected.
 */
final class LoopbackServer implements AutoCloseable {

    /** What to do with one accepted connection, after its request head (if any) was read. */
    @FunctionalInterface
    interface Script {
        void serve(Socket socket, String requestHead) throws Exception;
    }

    private final ServerSocket server;
    private final Script script;
    private final AtomicInteger connections = new AtomicInteger();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final boolean readRequest;

    private LoopbackServer(ServerSocket server, Script script, boolean readRequest) {
        this.server = server;
        this.script = script;
        this.readRequest = readRequest;
        Thread.ofPlatform().daemon().name("loopback-server-" + server.getLocalPort()).start(this::acceptLoop);
    }

    static LoopbackServer start(InetAddress address, int port, Script script) throws IOException {
        ServerSocket server = new ServerSocket();
        server.bind(new InetSocketAddress(address, port));
        return new LoopbackServer(server, script, true);
    }

    /** Around an already bound server socket (e.g. TLS); the script reads the request itself. */
    static LoopbackServer around(ServerSocket server, Script script) {
        return new LoopbackServer(server, script, false);
    }

    /** Answers every request with these exact bytes, then closes. */
    static Script reply(String raw) {
        return reply(raw.getBytes(StandardCharsets.ISO_8859_1));
    }

    static Script reply(byte[] raw) {
        return (socket, request) -> {
            OutputStream out = socket.getOutputStream();
            out.write(raw);
            out.flush();
        };
    }

    /** Accepts, reads the request and then says nothing until the client gives up. */
    static Script silent() {
        return (socket, request) -> {
            InputStream in = socket.getInputStream();
            while (in.read() >= 0) {
                // wait for the client to close
            }
        };
    }

    int port() {
        return server.getLocalPort();
    }

    InetAddress address() {
        return server.getInetAddress();
    }

    int connections() {
        return connections.get();
    }

    List<String> requests() {
        return List.copyOf(requests);
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : open) {
            socket.close();
        }
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                return;
            }
            connections.incrementAndGet();
            open.add(socket);
            Thread.ofVirtual().start(() -> {
                try (socket) {
                    socket.setSoTimeout(20_000);
                    String head = readRequest ? readHead(socket.getInputStream()) : "";
                    requests.add(head);
                    script.serve(socket, head);
                } catch (Exception e) {
                    // the client went away: expected in most tests
                }
            });
        }
    }

    /** The request head up to the empty line, as ISO-8859-1. */
    static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (head.size() < 64 * 1024) {
            int c = in.read();
            if (c < 0) {
                break;
            }
            head.write(c);
            matched = (c == "\r\n\r\n".charAt(matched)) ? matched + 1 : (c == '\r' ? 1 : 0);
            if (matched == 4) {
                break;
            }
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }
}
