package dev.docpipe.local.serve;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The data directory of {@code serve}: held with an exclusive file lock on {@code <dir>/lock} for as
 * long as the process runs, so two processes never share it. The operating system drops the lock
 * when the process dies, even by SIGKILL.
 *
 * <p>The embedded PostgreSQL and redis-server are child processes: a SIGKILLed parent leaves them
 * running. Their pids and command lines are written to {@code <dir>/processes}; the next start,
 * holding the lock, stops the ones still alive before it starts its own.
 */
public final class DataDirectory implements AutoCloseable {
    static final String LOCK = "lock";
    static final String PROCESSES = "processes";
    /** Present while a serve runs on the directory; found at start, it means the last one did not stop cleanly. */
    static final String RUNNING = "running";

    /** Another process holds the directory. */
    public static final class LockedException extends Exception {
        private final String holder;

        LockedException(String holder) {
            super("locked by " + holder);
            this.holder = holder;
        }

        /** What the lock file says about the holder, e.g. {@code pid 1234}. */
        public String holder() {
            return holder;
        }
    }

    private final Path path;
    private final FileChannel channel;
    private final FileLock lock;

    private final boolean uncleanStop;

    private DataDirectory(Path path, FileChannel channel, FileLock lock, boolean uncleanStop) {
        this.path = path;
        this.channel = channel;
        this.lock = lock;
        this.uncleanStop = uncleanStop;
    }

    /** Creates the directory if needed and locks it. */
    public static DataDirectory lock(Path path) throws IOException, LockedException {
        Files.createDirectories(path);
        FileChannel channel = FileChannel.open(path.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            String holder = holder(channel);
            channel.close();
            throw new LockedException(holder);
        }
        channel.truncate(0);
        channel.write(ByteBuffer.wrap(("pid " + ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)), 0);
        channel.force(true);
        Path running = path.resolve(RUNNING);
        boolean unclean = Files.exists(running);
        Files.writeString(running, "pid " + ProcessHandle.current().pid() + "\n", StandardCharsets.UTF_8);
        return new DataDirectory(path, channel, lock, unclean);
    }

    private static String holder(FileChannel channel) {
        try {
            ByteBuffer b = ByteBuffer.allocate(64);
            channel.read(b, 0);
            String s = new String(b.array(), 0, b.position(), StandardCharsets.UTF_8).trim();
            return s.isEmpty() ? "another process" : s;
        } catch (IOException e) {
            return "another process";
        }
    }

    /** Not a static field: locking comes before serve configures logging, and must not configure it first. */
    private static Logger log() {
        return LoggerFactory.getLogger(DataDirectory.class);
    }

    /** Whether the previous process on this directory died without stopping (SIGKILL, power loss). */
    public boolean uncleanStop() {
        return uncleanStop;
    }

    public Path path() {
        return path;
    }

    /** Stops the child processes a killed predecessor left running on this directory. */
    public List<Long> stopLeftovers() throws IOException {
        List<Long> stopped = new ArrayList<>();
        // PostgreSQL detaches from its starter (pg_ctl): its pid is in its own lock file
        Path postmaster = path.resolve("postgres").resolve("postmaster.pid");
        if (Files.exists(postmaster)) {
            List<String> lines = Files.readAllLines(postmaster, StandardCharsets.UTF_8);
            Optional<ProcessHandle> process = lines.isEmpty() ? Optional.empty() : pid(lines.get(0).trim());
            if (process.isPresent() && process.get().isAlive()
                    && process.get().info().command().orElse("").endsWith("postgres")) {
                log().info("stopping PostgreSQL (pid {}) left running by a previous serve on {}", process.get().pid(), path);
                stop(process.get());
                stopped.add(process.get().pid());
            }
        }
        Path file = path.resolve(PROCESSES);
        if (!Files.exists(file)) {
            return stopped;
        }
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            int tab = line.indexOf('\t');
            if (tab < 0) {
                continue;
            }
            String command = line.substring(tab + 1);
            Optional<ProcessHandle> process = pid(line.substring(0, tab));
            // only if the pid still runs the same program: pids are reused
            if (process.isPresent() && process.get().isAlive()
                    && command.equals(process.get().info().command().orElse(""))) {
                log().info("stopping {} (pid {}) left running by a previous serve on {}", command, process.get().pid(), path);
                stop(process.get());
                stopped.add(process.get().pid());
            }
        }
        Files.deleteIfExists(file);
        return stopped;
    }

    private static Optional<ProcessHandle> pid(String s) {
        try {
            return ProcessHandle.of(Long.parseLong(s));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static void stop(ProcessHandle p) {
        p.destroy();
        try {
            p.onExit().get(Duration.ofSeconds(20).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            p.destroyForcibly();
            try {
                p.onExit().get(5, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception ignored) {
                log().warn("pid {} did not stop", p.pid());
            }
        }
    }

    /** Records this process's children (after the stand-ins started) for {@link #stopLeftovers()}. */
    public void recordChildren() throws IOException {
        StringBuilder b = new StringBuilder();
        ProcessHandle.current().children().forEach(c -> c.info().command()
                .ifPresent(cmd -> b.append(c.pid()).append('\t').append(cmd).append('\n')));
        Path tmp = path.resolve(PROCESSES + ".tmp");
        Files.writeString(tmp, b.toString(), StandardCharsets.UTF_8);
        Files.move(tmp, path.resolve(PROCESSES), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public void close() {
        try {
            Files.deleteIfExists(path.resolve(PROCESSES));
            Files.deleteIfExists(path.resolve(RUNNING));
            lock.release();
            channel.close();
        } catch (IOException e) {
            log().debug("releasing {}: {}", path, e.toString());
        }
    }
}
