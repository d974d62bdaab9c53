package org.grapevine.testnet.process;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * How to start {@code grapevine daemon} as a process: the java command line that runs the CLI's
 * main class, to which the daemon's arguments are added. test-net does not know the CLI; the CLI
 * hands this over.
 */
public record DaemonLauncher(List<String> command) {
    /**
     * Many daemons share a few cores and are mostly idle: a small heap and the serial collector
     * keep each light; the JIT stays as people run it.
     */
    static final List<String> JVM_FLAGS = List.of("-Xmx256m", "-XX:+UseSerialGC");

    public DaemonLauncher {
        command = List.copyOf(command);
        if (command.isEmpty()) throw new IllegalArgumentException("no command");
    }

    /** Runs {@code mainClass} on this JVM's java and class path (absolute, so any directory will do). */
    public static DaemonLauncher forThisJvm(String mainClass) {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(p -> !p.isEmpty())
                .map(p -> Path.of(p).toAbsolutePath().toString())
                .collect(Collectors.joining(File.pathSeparator));
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(JVM_FLAGS);
        if (Runtime.version().feature() >= 24) {
            command.addAll(List.of("--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"));
        }
        command.addAll(List.of("-cp", classPath, mainClass));
        return new DaemonLauncher(command);
    }

    /** The command line of {@code grapevine daemon ARGS}. */
    public List<String> daemon(List<String> args) {
        List<String> all = new ArrayList<>(command);
        all.add("daemon");
        all.addAll(args);
        return all;
    }
}
