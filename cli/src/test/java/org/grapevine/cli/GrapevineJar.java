package org.grapevine.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.grapevine.testnet.process.NetnsLan;

/**
 * Runs the real {@code grapevine.jar} in child processes, as DaemonIT does: one-shot commands,
 * and daemons (optionally inside a {@link NetnsLan} host) whose every log line is kept.
 */
public final class GrapevineJar {
    /**
     * For one-shot commands (and daemons in tests): C1 only and the serial GC start a JVM a third
     * to a half faster on a busy two-core machine, and change nothing a command does.
     */
    private static final List<String> QUICK_START = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

    private final String java;
    private final Path jar;
    private final Path scratch;
    private final boolean quickDaemons;

    /**
     * @param java the java launcher to run the jar with
     * @param scratch a directory for the commands' captured output
     * @param quickDaemons whether daemons too start with the quick start-up flags (for tests;
     *     measurements run daemons as people do)
     */
    public GrapevineJar(String java, Path jar, Path scratch, boolean quickDaemons) {
        this.java = java;
        this.jar = jar.toAbsolutePath();
        this.scratch = scratch;
        this.quickDaemons = quickDaemons;
    }

    /**
     * The jar built by this module's {@code package} phase, run on the JVM running the tests,
     * daemons included with the quick start-up flags.
     */
    public static GrapevineJar ofThisBuild(Path scratch) {
        Path jar = Path.of(System.getProperty("basedir", ""), "target", "grapevine.jar");
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        return new GrapevineJar(java, jar, scratch, true);
    }

    public Path jar() {
        return jar;
    }

    /** A long-running child (a daemon, a probe): its process, when it started, every line it printed so far. */
    public static final class Daemon implements AutoCloseable {
        private final Process process;
        private final long startMillis;
        private final List<String> log = new CopyOnWriteArrayList<>();

        Daemon(Process process, long startMillis) {
            this.process = process;
            this.startMillis = startMillis;
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) log.add(line);
                } catch (IOException ended) {
                    // The daemon is gone; its log is complete.
                }
            }, "daemon-log-" + process.pid());
            reader.setDaemon(true);
            reader.start();
        }

        public Process process() {
            return process;
        }

        /** Wall-clock time just before the process was started. */
        public long startMillis() {
            return startMillis;
        }

        public List<String> log() {
            return List.copyOf(log);
        }

        public boolean logged(String text) {
            return log.stream().anyMatch(l -> l.contains(text));
        }

        /** The first line containing every one of {@code texts}. */
        public Optional<String> line(String... texts) {
            return log.stream().filter(l -> {
                for (String t : texts) if (!l.contains(t)) return false;
                return true;
            }).findFirst();
        }

        /** When the daemon logged {@code line}, from the timestamp it starts with. */
        public static long timeOf(String line) {
            return Instant.parse(line.substring(0, line.indexOf(' '))).toEpochMilli();
        }

        /**
         * SIGTERM to the process and everything it started, then SIGKILL to what is left after
         * {@code graceSeconds}. Process.destroy would also close the log pipe; the handle does not.
         */
        public void stop(long graceSeconds) {
            stopAll(List.of(this), graceSeconds);
        }

        @Override
        public void close() {
            stop(10);
        }

        @Override
        public String toString() {
            return String.join("\n", log);
        }
    }

    /** Starts {@code grapevine daemon ARGS --home HOME}, inside {@code host}'s namespace unless it is null. */
    public Daemon daemon(NetnsLan.Host host, Path home, String... args) throws IOException {
        List<String> all = new ArrayList<>(List.of("daemon"));
        all.addAll(List.of(args));
        List<String> command = command(home, all);
        if (quickDaemons) command.addAll(1, QUICK_START);
        return start(host, command);
    }

    /**
     * Starts any long-running command (a daemon, an {@link MdnsProbe}), inside {@code host}'s
     * namespace unless it is null, keeping its output lines. Its standard input stays open until
     * it is stopped or this JVM exits.
     */
    public Daemon start(NetnsLan.Host host, List<String> command) throws IOException {
        List<String> full = host == null ? command : host.exec(command);
        ProcessBuilder b = builder(full).redirectErrorStream(true);
        long start = System.currentTimeMillis();
        return new Daemon(b.start(), start);
    }

    /** Stops them all at once: SIGTERM to each, then SIGKILL to whatever still runs after {@code graceSeconds}. */
    public static void stopAll(List<Daemon> daemons, long graceSeconds) {
        List<ProcessHandle> all = new ArrayList<>();
        for (Daemon d : daemons) {
            all.addAll(d.process.descendants().toList());
            all.add(d.process.toHandle());
        }
        stop(all, graceSeconds);
    }

    /**
     * Runs one command to completion in the root namespace and returns its standard output. The
     * commands reach a running daemon through its control socket, a file in its home, which no
     * network namespace hides.
     *
     * @throws IOException naming the command and its error output if it exits non-zero
     */
    public String run(Path home, String... args) throws IOException, InterruptedException {
        Files.createDirectories(scratch);
        Path out = Files.createTempFile(scratch, "out", ".txt");
        Path err = Files.createTempFile(scratch, "err", ".txt");
        try {
            List<String> command = command(home, List.of(args));
            command.addAll(1, QUICK_START);
            Process p = builder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            p.getOutputStream().close();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("grapevine " + String.join(" ", args) + " did not finish");
            }
            String stdout = Files.readString(out, UTF_8);
            if (p.exitValue() != 0) {
                throw new IOException("grapevine " + String.join(" ", args) + ": exit " + p.exitValue() + ": "
                        + Files.readString(err, UTF_8) + stdout);
            }
            return stdout;
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static void stop(List<ProcessHandle> processes, long graceSeconds) {
        processes.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(graceSeconds);
        for (ProcessHandle h : processes) {
            try {
                h.onExit().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (Exception stillRunning) {
                h.destroyForcibly();
                try {
                    h.onExit().get(5, TimeUnit.SECONDS);
                } catch (Exception ignored) {
                    // Nothing more to do than SIGKILL.
                }
            }
        }
    }

    /** The java command line running this jar on {@code args} with {@code --home home}. */
    public List<String> command(Path home, List<String> args) {
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(jvmFlags());
        command.addAll(List.of("-jar", jar.toString()));
        command.addAll(args);
        command.addAll(List.of("--home", home.toAbsolutePath().toString()));
        return command;
    }

    /** A java command line running {@code mainClass} from {@code classPath} (test helpers such as MdnsProbe). */
    public List<String> javaMain(String classPath, String mainClass, String... args) {
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(jvmFlags());
        command.addAll(QUICK_START);
        command.addAll(List.of("-cp", classPath, mainClass));
        command.addAll(List.of(args));
        return command;
    }

    /** The flags that keep JDK 24+ quiet about native access and Unsafe, if this JDK is one. */
    private List<String> jvmFlags() {
        if (majorVersion() >= 24) return List.of("--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow");
        return List.of();
    }

    private int majorVersion() {
        if (java.equals(ProcessHandle.current().info().command().orElse(""))) return Runtime.version().feature();
        Path release = Path.of(java).toAbsolutePath().getParent().getParent().resolve("release");
        try {
            for (String line : Files.readAllLines(release, UTF_8)) {
                if (line.startsWith("JAVA_VERSION=")) {
                    String v = line.substring("JAVA_VERSION=".length()).replace("\"", "");
                    return Integer.parseInt(v.split("[.+-]")[0]);
                }
            }
        } catch (IOException | RuntimeException unknown) {
            // Assume an old JDK: no flags.
        }
        return 17;
    }

    private static ProcessBuilder builder(List<String> command) {
        ProcessBuilder b = new ProcessBuilder(command);
        b.environment().remove("GRAPEVINE_HOME");
        b.environment().remove("GRAPEVINE_PASSPHRASE");
        b.environment().remove("JAVA_TOOL_OPTIONS");
        b.environment().remove("JDK_JAVA_OPTIONS");
        return b;
    }
}
