package org.grapevine.node.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts a main class from the test class path in a separate JVM, as a second process would. Under
 * Surefire and Failsafe {@code java.class.path} is a manifest-only jar, which {@code -cp} honours too.
 */
final class ChildJvm {
    private ChildJvm() {}

    static Process start(Class<?> main, Path stderr, String... args) throws IOException {
        return new ProcessBuilder(command(main, args))
                .redirectError(ProcessBuilder.Redirect.appendTo(stderr.toFile()))
                .start();
    }

    /** As {@link #start}, with the child allowed at most {@code maxFiles} open files (a shell's ulimit). */
    static Process startLimited(Class<?> main, Path stderr, int maxFiles, String... args) throws IOException {
        StringBuilder shell = new StringBuilder("ulimit -n " + maxFiles + " && exec");
        for (String part : command(main, args)) shell.append(" '").append(part.replace("'", "'\\''")).append('\'');
        return new ProcessBuilder("/bin/sh", "-c", shell.toString())
                .redirectError(ProcessBuilder.Redirect.appendTo(stderr.toFile()))
                .start();
    }

    private static List<String> command(Class<?> main, String... args) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        if (Runtime.version().feature() >= 24) {
            command.add("--enable-native-access=ALL-UNNAMED");
            command.add("--sun-misc-unsafe-memory-access=allow");
        }
        // A short-lived child: quick start-up matters more than peak speed.
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-XX:+UseSerialGC");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(main.getName());
        command.addAll(List.of(args));
        return command;
    }

    /** What the child wrote to stderr, for a failure message. */
    static String stderr(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")";
        }
    }
}
