package dev.docpipe.local.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The {@code ./docpipe} launcher as a newcomer meets it: the default {@code java} is 17, {@code JAVA_HOME}
 * is unset, and a JDK 21+ sits in a {@code /usr/lib/jvm}-like folder (a temporary one, named by
 * {@code DOCPIPE_JVM_DIRS}). It finds that JDK, builds the jar in a copy of the repository with an empty
 * Maven repository, and converts the examples with nothing on stderr but its own lines; with no JDK 21+
 * anywhere it stops at once with one sentence, and so does the Maven build (the enforcer).
 *
 * <p>So as not to download every dependency again, the copy's build uses a settings file whose mirror is
 * the invoking build's local repository (a {@code file:} URL): the empty local repository is filled from
 * it, as it would be from Maven Central.
 */
class LauncherIT {
    static final String SENTENCE = "docpipe needs a JDK 21 or newer and found ";
    private static final Path ROOT = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize().getParent();

    @TempDir
    Path tmp;

    private record Run(int code, String stdout, String stderr, long millis) {
    }

    @Test
    void withNoJdk21Anywhere_itStopsInUnderTwoSeconds_withTheSentence() throws Exception {
        Path java17 = java17Home();
        Path jvm = Files.createDirectories(tmp.resolve("jvm"));
        Files.createSymbolicLink(jvm.resolve("java-17"), java17);

        Run r = run(ROOT, launcherEnvironment(java17, jvm), Duration.ofSeconds(30), "sh", "docpipe", "convert", "examples",
                "--out", tmp.resolve("out").toString());

        assertThat(r.code()).isNotZero();
        assertThat(r.millis()).as("milliseconds to the refusal").isLessThan(2000);
        assertThat(r.stdout()).isEmpty();
        assertThat(r.stderr().strip().lines().toList()).singleElement().asString()
                .startsWith(SENTENCE + "Java 17 (").contains("set JAVA_HOME");
        assertThat(tmp.resolve("out")).doesNotExist();
    }

    @Test
    void mavenOnJava17_stopsBeforeBuilding_withTheSameSentence() throws Exception {
        Path java17 = java17Home();
        Map<String, String> env = launcherEnvironment(java17, tmp);
        env.put("JAVA_HOME", java17.toString());

        Run r = run(ROOT, env, Duration.ofMinutes(3), "sh", "mvnw", "-B", "-q", "-ntp", "-N", "validate");

        assertThat(r.code()).isNotZero();
        assertThat(r.stdout() + r.stderr()).contains(SENTENCE + "Java 17");
    }

    @Test
    void withJava17OnThePathAndAJdk25InAJvmFolder_itFindsIt_buildsInAnEmptyMavenRepository_andConvertsTheExamples()
            throws Exception {
        Path java17 = java17Home();
        Path modern = Path.of(System.getProperty("java.home"));
        Path jvm = Files.createDirectories(tmp.resolve("jvm"));
        Files.createSymbolicLink(jvm.resolve("java-17"), java17);
        Files.createSymbolicLink(jvm.resolve("jdk-" + Runtime.version().feature()), modern);
        Path copy = copyOfTheRepository(tmp.resolve("repo"));
        Path emptyRepository = Files.createDirectories(tmp.resolve("m2"));
        Path settings = Files.writeString(tmp.resolve("settings.xml"), """
                <settings>
                  <mirrors>
                    <mirror><id>invoking-build</id><mirrorOf>*</mirrorOf><url>%s</url></mirror>
                  </mirrors>
                </settings>
                """.formatted(invokingLocalRepository().toUri()));
        Map<String, String> env = launcherEnvironment(java17, jvm);
        env.put("MAVEN_ARGS", "-s " + settings + " -Dmaven.repo.local=" + emptyRepository);

        Run r = run(copy, env, Duration.ofMinutes(15), "./docpipe", "convert", "examples", "--out", "out");

        long examples;
        try (Stream<Path> files = Files.list(copy.resolve("examples"))) {
            examples = files.filter(Files::isRegularFile).count();
        }
        assertThat(r.code()).as(r.stdout() + r.stderr()).isZero();
        assertThat(r.stdout()).contains(examples + " of " + examples + " converted, 0 failed");
        try (Stream<Path> pdfs = Files.list(copy.resolve("out"))) {
            assertThat(pdfs.filter(p -> p.toString().endsWith(".pdf"))).hasSize((int) examples);
        }
        assertThat(copy.resolve("local/target/docpipe-local.jar")).exists();
        assertThat(emptyRepository.resolve("org")).as("the build filled the empty repository").isDirectory();
        // docpipe's own lines only: no JVM or library warnings (sun.misc.Unsafe, Pekko, Maven's Guice)
        assertThat(r.stderr().lines().filter(line -> !line.isBlank()))
                .allSatisfy(line -> assertThat(line).startsWith("docpipe: "));
    }

    /** PATH and JAVA_HOME as on the newcomer's machine: the only {@code java} on PATH is a Java 17. */
    private Map<String, String> launcherEnvironment(Path java17, Path jvmDirs) throws IOException {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        if (!Files.exists(bin.resolve("java"))) {
            Files.createSymbolicLink(bin.resolve("java"), java17.resolve("bin/java"));
        }
        Map<String, String> env = new java.util.HashMap<>(System.getenv());
        env.remove("JAVA_HOME");
        env.remove("MAVEN_OPTS");
        env.remove("MAVEN_ARGS");
        env.remove("DOCPIPE_JAVA_OPTS");
        List<String> path = new ArrayList<>(List.of(bin.toString()));
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (!Files.isExecutable(Path.of(dir, "java")) || isJava17(Path.of(dir, "java"))) {
                path.add(dir); // the shell's tools stay; any other java does not
            }
        }
        env.put("PATH", String.join(":", path));
        env.put("DOCPIPE_JVM_DIRS", jvmDirs.toString());
        return env;
    }

    private static Run run(Path dir, Map<String, String> env, Duration limit, String... command) throws Exception {
        ProcessBuilder b = new ProcessBuilder(command).directory(dir.toFile());
        b.environment().clear();
        b.environment().putAll(env);
        Path out = Files.createTempFile("launcher", ".out");
        Path err = Files.createTempFile("launcher", ".err");
        b.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        long t0 = System.nanoTime();
        Process p = b.start();
        if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish within " + limit + ":\n"
                    + Files.readString(out) + Files.readString(err));
        }
        long millis = (System.nanoTime() - t0) / 1_000_000;
        Run r = new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8),
                millis);
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
        return r;
    }

    /** A Java 17 home on this machine (the image's default java); the test needs one to stand for "too old". */
    static Path java17Home() throws IOException {
        List<Path> candidates = new ArrayList<>();
        Path usrBinJava = Path.of("/usr/bin/java");
        if (Files.exists(usrBinJava)) {
            candidates.add(usrBinJava.toRealPath().getParent().getParent());
        }
        Path jvm = Path.of("/usr/lib/jvm");
        if (Files.isDirectory(jvm)) {
            try (Stream<Path> homes = Files.list(jvm)) {
                homes.sorted().forEach(candidates::add);
            }
        }
        Optional<Path> found = candidates.stream().filter(h -> isJava17(h.resolve("bin/java"))).findFirst();
        assumeTrue(found.isPresent(), "no Java 17 on this machine to stand for a too-old default java");
        return found.get().toRealPath();
    }

    private static boolean isJava17(Path java) {
        try {
            Path home = java.toRealPath().getParent().getParent();
            Path release = home.resolve("release");
            if (!Files.isRegularFile(release)) {
                return false;
            }
            Matcher m = Pattern.compile("(?m)^JAVA_VERSION=\"(\\d+)").matcher(Files.readString(release));
            return m.find() && m.group(1).equals("17");
        } catch (IOException e) {
            return false;
        }
    }

    private static Path invokingLocalRepository() {
        String configured = System.getProperty("maven.repo.local");
        Path repo = configured != null && !configured.isBlank() ? Path.of(configured)
                : Path.of(System.getProperty("user.home"), ".m2", "repository");
        assumeTrue(Files.isDirectory(repo), "the invoking build's local repository " + repo);
        return repo.toAbsolutePath();
    }

    /** The repository's files as a fresh clone has them (tracked and new, not ignored), without build output. */
    private static Path copyOfTheRepository(Path target) throws Exception {
        Process ls = new ProcessBuilder("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard")
                .directory(ROOT.toFile()).redirectErrorStream(false).start();
        byte[] listing = ls.getInputStream().readAllBytes();
        assertThat(ls.waitFor()).as("git ls-files in " + ROOT).isZero();
        for (String name : new String(listing, StandardCharsets.UTF_8).split("\0")) {
            if (name.isEmpty()) {
                continue;
            }
            Path from = ROOT.resolve(name);
            if (!Files.isRegularFile(from)) {
                continue; // deleted in the work tree
            }
            Path to = target.resolve(name);
            Files.createDirectories(to.getParent());
            Files.copy(from, to, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        }
        return target;
    }
}
