package org.grapevine.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.Keystore;
import org.grapevine.node.Home;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real runnable jar in child processes, for what an in-process run cannot show: the
 * passphrase from the environment, the lack of a terminal, file permissions, and a store held by
 * another process.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CliProcessIT {
    private static final Path JAR = Path.of(System.getProperty("basedir", ""), "target", "grapevine.jar").toAbsolutePath();
    private static final String JAVA = ProcessHandle.current().info().command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    private static final long COMMAND_SECONDS = 60;

    @TempDir Path tmp;
    Path home;
    private final List<Process> started = new ArrayList<>();

    @BeforeEach
    void setUp() {
        assertTrue(Files.isRegularFile(JAR), JAR + " is missing: the package phase builds it before integration-test");
        home = tmp.resolve("home");
    }

    @AfterEach
    void killLeftovers() {
        for (Process p : started) p.destroyForcibly();
    }

    @Test
    void aPassphraseFromTheEnvironmentUnlocksTheKeystore() throws Exception {
        grapevine(Map.of(Session.PASSPHRASE_ENV, ""), "init").fails(ExitCodes.PASSPHRASE).mentioning("empty");
        assertTrue(Files.notExists(home), "a refused init left " + home + " behind");

        Run init = grapevine(Map.of(Session.PASSPHRASE_ENV, "correct horse"), "init").ok();
        AuthorId.parse(init.out().strip());
        assertTrue(Keystore.needsPassphrase(new Home(home).keystore()), "init made a keystore without a passphrase");

        grapevine(Map.of(Session.PASSPHRASE_ENV, "correct horse"), "post", "hello").ok();

        grapevine(Map.of(Session.PASSPHRASE_ENV, "battery staple"), "post", "not me")
                .fails(ExitCodes.PASSPHRASE).mentioning("passphrase");
        grapevine(Map.of(), "post", "not me either")
                .fails(ExitCodes.PASSPHRASE).mentioning("set " + Session.PASSPHRASE_ENV);

        // Reading needs no passphrase, and shows that only the first post went in.
        Run feed = grapevine(Map.of(), "feed", "--json").ok();
        assertEquals(1, feed.json().size(), feed::describe);
        assertEquals("hello", feed.json().get(0).get("text").asText(), feed::describe);
    }

    @Test
    void theKeystoreIsReadableByItsOwnerOnly() throws Exception {
        assumeTrue(tmp.getFileSystem().supportedFileAttributeViews().contains("posix"), "needs POSIX permissions");
        grapevine(Map.of(), "init", "--no-passphrase").ok();

        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(new Home(home).keystore())));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(home)));
    }

    @Test
    void aStoreHeldByAnotherProcessIsReportedAsLocked() throws Exception {
        grapevine(Map.of(), "init", "--no-passphrase").ok();
        Path holderErr = tmp.resolve("holder.err");
        List<String> command = new ArrayList<>(List.of(JAVA));
        command.addAll(jdkFlags());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), StoreHolder.class.getName(), home.toString()));
        ProcessBuilder holderBuilder = new ProcessBuilder(command).redirectError(holderErr.toFile());
        clean(holderBuilder.environment());
        Process holder = start(holderBuilder);
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), UTF_8));
            String line = out.readLine();
            assertEquals("ready", line, () -> "the holder did not start: " + read(holderErr));

            grapevine(Map.of(), "post", "while held").fails(ExitCodes.LOCKED).mentioning("locked");

            holder.getOutputStream().close();
            assertTrue(holder.waitFor(COMMAND_SECONDS, TimeUnit.SECONDS), "the holder did not exit after its stdin closed");
            assertEquals(0, holder.exitValue(), () -> read(holderErr));
            grapevine(Map.of(), "post", "after").ok();
        } finally {
            holder.destroyForcibly();
        }
    }

    /**
     * {@code java -jar grapevine.jar ARGS...} with GRAPEVINE_HOME set, {@code env} added, stdin a
     * closed pipe (not a terminal) and no passphrase unless {@code env} gives one.
     */
    private Run grapevine(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(JAVA));
        command.addAll(jdkFlags());
        command.addAll(List.of("-jar", JAR.toString()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        clean(builder.environment());
        builder.environment().put("GRAPEVINE_HOME", home.toString());
        builder.environment().putAll(env);
        Process p = start(builder);
        try {
            p.getOutputStream().close();
            if (!p.waitFor(COMMAND_SECONDS, TimeUnit.SECONDS)) {
                fail("grapevine " + String.join(" ", args) + " did not finish in " + COMMAND_SECONDS + " s");
            }
            return new Run(List.of(args), p.exitValue(), read(out), read(err));
        } finally {
            p.destroyForcibly();
        }
    }

    /** Leaves out what this JVM's environment may hold that would change a child's behaviour. */
    private static void clean(Map<String, String> env) {
        env.remove(Session.PASSPHRASE_ENV);
        env.remove("GRAPEVINE_HOME");
        // The JVM announces these on stderr, which would add a line to every error.
        env.remove("JAVA_TOOL_OPTIONS");
        env.remove("JDK_JAVA_OPTIONS");
        env.remove("_JAVA_OPTIONS");
    }

    private Process start(ProcessBuilder builder) throws IOException {
        Process p = builder.start();
        started.add(p);
        return p;
    }

    /** What the grapevine launcher script adds on JDK 24+, where the JVM would otherwise warn on stderr. */
    private static List<String> jdkFlags() {
        return Runtime.version().feature() >= 24
                ? List.of("--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow")
                : List.of();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, UTF_8);
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }
}
