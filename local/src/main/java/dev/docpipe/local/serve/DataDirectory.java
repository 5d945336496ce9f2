package dev.docpipe.local.serve;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The data directory of {@code serve}: held with an exclusive file lock on {@code <dir>/lock} for as
 * long as the process runs, so two processes never share it. The operating system drops the lock
 * when the process dies, even by SIGKILL.
 *
 * <p>The embedded PostgreSQL and redis-server are child processes: a SIGKILLed parent leaves them
 * running. Their pids and command lines are written to {@code <dir>/processes}; the next start,
 * holding the lock, stops the ones still alive before it starts its own.
 *
 * <p>Everything in it is the owner's only: the directory is made {@code 0700} when it is locked, so
 * nothing under it can be reached by another user, and every directory and file under it loses its
 * group and other permission bits ({@code 0700}/{@code 0600}) when it is locked, once the stand-ins
 * have created their files ({@link #restrict()}), and at a clean stop. Files the stand-ins create while
 * serve runs (new S3 objects, say) carry the process's umask until the next stop or start, inside the
 * owner-only directory.
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

    /** Creates the directory if needed (owner-only), locks it, and makes what is in it owner-only. */
    public static DataDirectory lock(Path path) throws IOException, LockedException {
        Files.createDirectories(path);
        ownerOnly(path);
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
        DataDirectory directory = new DataDirectory(path, channel, lock, unclean);
        directory.restrict();
        return directory;
    }

    /**
     * Removes the group and other permission bits of the directory and of everything under it
     * (symbolic links are not followed). Idempotent; cheap next to a start.
     *
     * @return how many entries changed
     */
    public int restrict() throws IOException {
        int[] changed = {0};
        Files.walkFileTree(path, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                changed[0] += ownerOnly(dir) ? 1 : 0;
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (attrs.isRegularFile()) {
                    changed[0] += ownerOnly(file) ? 1 : 0;
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                // removed while walking (a stand-in's temporary file): nothing to restrict
                return FileVisitResult.CONTINUE;
            }
        });
        return changed[0];
    }

    /** Drops the group and other bits of {@code p}; whether it had any. */
    private static boolean ownerOnly(Path p) throws IOException {
        Set<PosixFilePermission> permissions;
        try {
            permissions = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException gone) {
            return false;
        }
        Set<PosixFilePermission> owner = EnumSet.noneOf(PosixFilePermission.class);
        for (PosixFilePermission bit : permissions) {
            if (bit.name().startsWith("OWNER_")) {
                owner.add(bit);
            }
        }
        if (owner.equals(permissions)) {
            return false;
        }
        try {
            Files.setPosixFilePermissions(p, owner);
        } catch (NoSuchFileException gone) {
            return false;
        }
        return true;
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
            restrict();
            Files.deleteIfExists(path.resolve(PROCESSES));
            Files.deleteIfExists(path.resolve(RUNNING));
            lock.release();
            channel.close();
        } catch (IOException e) {
            log().debug("releasing {}: {}", path, e.toString());
        }
    }
}
