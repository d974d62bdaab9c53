package org.grapevine.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A LAN of Linux network namespaces, for running real nodes as separate hosts: one namespace holds
 * a bridge (a switch that floods multicast, so mDNS crosses it), and each host namespace is joined
 * to it by a veth pair, with {@code lo} and {@code eth0} up and 10.77.0.N/24 on {@code eth0}. Every
 * device lives inside the namespaces, so the machine's own interfaces are never touched. Names
 * carry a random suffix, so concurrent runs do not meet. Needs root and iproute2.
 */
public final class NetnsLan implements AutoCloseable {
    /** {@code ip netns add} was refused or is missing here (not root, no iproute2, a sandbox). */
    public static final class Unavailable extends IOException {
        Unavailable(String message) {
            super(message);
        }
    }

    /** One host of the LAN: its namespace, its LAN device and its address there. */
    public record Host(String namespace, String device, String address) {
        /** {@code command}, to be run inside this host's namespace. */
        public List<String> exec(List<String> command) {
            List<String> all = new ArrayList<>(List.of(IP, "netns", "exec", namespace));
            all.addAll(command);
            return all;
        }
    }

    public static final String SUBNET = "10.77.0.";
    private static final String IP = findIp();
    private static final String DEVICE = "eth0";
    private static final String BRIDGE = "br0";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String name;
    private final List<String> namespaces = new ArrayList<>();
    private final List<Host> hosts = new ArrayList<>();
    private final Thread cleanup = new Thread(this::removeNamespaces, "netns-cleanup");
    private boolean closed;

    private NetnsLan(String name) {
        this.name = name;
    }

    /**
     * Creates the bridge namespace and {@code hostCount} hosts (10.77.0.1, .2, ...), named
     * {@code prefix-<random>-br} and {@code prefix-<random>-a}, {@code -b}, ...
     *
     * @throws Unavailable if this machine does not let us create network namespaces
     * @throws IOException if a later step fails (what was created is removed again)
     */
    public static NetnsLan create(String prefix, int hostCount) throws IOException, InterruptedException {
        if (hostCount < 1 || hostCount > 26) throw new IllegalArgumentException("1 to 26 hosts, not " + hostCount);
        String name = prefix + "-" + Long.toString(RANDOM.nextLong() >>> 1, 36).substring(0, 6);
        NetnsLan lan = new NetnsLan(name);
        String bridgeNs = name + "-br";
        try {
            run(IP, "netns", "add", bridgeNs);
        } catch (IOException e) {
            throw new Unavailable(e.getMessage());
        }
        lan.namespaces.add(bridgeNs);
        // A JVM stopped by a signal still removes the namespaces (kill -9 cannot be helped).
        Runtime.getRuntime().addShutdownHook(lan.cleanup);
        try {
            run(IP, "-n", bridgeNs, "link", "set", "lo", "up");
            run(IP, "-n", bridgeNs, "link", "add", BRIDGE, "type", "bridge");
            // Flood every multicast group like a plain switch, whatever IGMP the bridge has or has
            // not seen yet (mDNS's 224.0.0.251 is link-local and flooded anyway; do not rely on it).
            run(IP, "-n", bridgeNs, "link", "set", BRIDGE, "type", "bridge", "mcast_snooping", "0");
            run(IP, "-n", bridgeNs, "link", "set", BRIDGE, "up");
            for (int i = 0; i < hostCount; i++) {
                String ns = name + "-" + (char) ('a' + i);
                String port = "p" + (char) ('a' + i);
                run(IP, "netns", "add", ns);
                lan.namespaces.add(ns);
                run(IP, "link", "add", DEVICE, "netns", ns, "type", "veth", "peer", "name", port, "netns", bridgeNs);
                run(IP, "-n", bridgeNs, "link", "set", port, "master", BRIDGE);
                run(IP, "-n", bridgeNs, "link", "set", port, "up");
                String address = SUBNET + (i + 1);
                run(IP, "-n", ns, "addr", "add", address + "/24", "dev", DEVICE);
                run(IP, "-n", ns, "link", "set", "lo", "up");
                run(IP, "-n", ns, "link", "set", DEVICE, "up");
                lan.hosts.add(new Host(ns, DEVICE, address));
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            lan.close();
            throw e;
        }
        return lan;
    }

    public String name() {
        return name;
    }

    public List<Host> hosts() {
        return List.copyOf(hosts);
    }

    public Host host(int index) {
        return hosts.get(index);
    }

    /**
     * Removes every namespace created (their veth pairs and the bridge go with them). Stop the
     * processes inside first: a namespace lingers, unnamed, until its last process exits.
     */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        removeNamespaces();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException shuttingDown) {
            // The hook is running or about to: it finds nothing left to do.
        }
    }

    private synchronized void removeNamespaces() {
        for (int i = namespaces.size() - 1; i >= 0; i--) {
            try {
                run(IP, "netns", "del", namespaces.get(i));
            } catch (IOException | InterruptedException e) {
                System.err.println("NetnsLan: " + e.getMessage());
            }
        }
        namespaces.clear();
    }

    /** Runs one command to completion; a non-zero exit becomes an IOException with its output. */
    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + ": did not finish");
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + ": exit " + p.exitValue() + ": " + new String(out, UTF_8).strip());
        }
    }

    private static String findIp() {
        for (String candidate : List.of("/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip")) {
            if (Files.isExecutable(Path.of(candidate))) return candidate;
        }
        return "ip";
    }
}
