package org.grapevine.testnet.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A LAN of Linux network namespaces, for running real nodes as separate hosts: a bridge namespace
 * (a switch that floods multicast, so mDNS crosses it) and one namespace per host joined to it by
 * a veth pair, with {@code lo} and {@code eth0} up and 10.79.S.N/24 on {@code eth0}. Every device
 * lives inside the namespaces, so the machine's own interfaces are never touched. Needs root and
 * iproute2. Removed on close, and by a shutdown hook if the JVM is stopped first.
 *
 * <p>Each LAN takes the lowest free subnet number S (0 to 255) and is named after it
 * ({@code gvlan-S-br}, {@code gvlan-S-0}, ...). Creating the bridge namespace reserves S (it fails
 * if the name exists), so LANs that exist at once, in one JVM or several, share neither names nor
 * subnets.
 */
public final class NetnsLan implements AutoCloseable {
    /** This machine does not let us create network namespaces (not root, no iproute2, a sandbox). */
    public static final class Unavailable extends IOException {
        private static final long serialVersionUID = 1L;

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

    /** Hosts on a /24: .1 to .250. */
    public static final int MAX_HOSTS = 250;
    private static final int SUBNETS = 256;
    private static final String DEVICE = "eth0";
    private static final String BRIDGE = "br0";
    /** Where {@code ip netns add} puts its names. */
    private static final Path NETNS_DIR = Path.of("/var/run/netns");
    private static final String IP = findIp();

    private final String name;
    private final List<String> namespaces = new ArrayList<>();
    private final List<Host> hosts = new ArrayList<>();
    private final Thread cleanup = new Thread(this::removeNamespaces, "netns-cleanup");
    private boolean closed;

    private NetnsLan(String name) {
        this.name = name;
    }

    /**
     * Creates the bridge and {@code hosts} host namespaces, at 10.79.S.1, .2, ...
     *
     * @throws Unavailable if network namespaces cannot be created here
     * @throws IOException if all subnets are taken or a later step fails (what was created is removed again)
     */
    public static NetnsLan create(int hosts) throws IOException, InterruptedException {
        if (hosts < 1 || hosts > MAX_HOSTS) throw new IllegalArgumentException("1 to " + MAX_HOSTS + " hosts, not " + hosts);
        for (int subnet = 0; subnet < SUBNETS; subnet++) {
            NetnsLan lan = new NetnsLan("gvlan-" + subnet);
            if (!lan.reserve()) continue;
            try {
                lan.build(hosts, "10.79." + subnet + ".");
            } catch (IOException | InterruptedException | RuntimeException e) {
                lan.close();
                throw e;
            }
            return lan;
        }
        throw new IOException("all " + SUBNETS + " subnets 10.79.S.0/24 are taken by network namespaces gvlan-S-*: see 'ip netns list'");
    }

    /** Host {@code index} (from 0). */
    public Host host(int index) {
        return hosts.get(index);
    }

    /** Creates the bridge namespace, or returns false if another LAN has its name (and subnet). */
    private boolean reserve() throws IOException, InterruptedException {
        String bridge = name + "-br";
        try {
            run(IP, "netns", "add", bridge);
        } catch (IOException e) {
            // ip creates the name exclusively and removes it again if it cannot make the namespace.
            if (Files.exists(NETNS_DIR.resolve(bridge))) return false;
            throw new Unavailable(e.getMessage());
        }
        namespaces.add(bridge);
        // A JVM stopped by a signal still removes the namespaces (kill -9 cannot be helped).
        Runtime.getRuntime().addShutdownHook(cleanup);
        return true;
    }

    private void build(int count, String subnet) throws IOException, InterruptedException {
        String bridge = namespaces.get(0);
        run(IP, "-n", bridge, "link", "set", "lo", "up");
        run(IP, "-n", bridge, "link", "add", BRIDGE, "type", "bridge");
        // Flood multicast like a plain switch, whatever IGMP the bridge has seen.
        run(IP, "-n", bridge, "link", "set", BRIDGE, "type", "bridge", "mcast_snooping", "0");
        run(IP, "-n", bridge, "link", "set", BRIDGE, "up");
        for (int i = 0; i < count; i++) {
            String ns = name + "-" + i;
            String port = "p" + i;
            String address = subnet + (i + 1);
            run(IP, "netns", "add", ns);
            namespaces.add(ns);
            run(IP, "link", "add", DEVICE, "netns", ns, "type", "veth", "peer", "name", port, "netns", bridge);
            run(IP, "-n", bridge, "link", "set", port, "master", BRIDGE);
            run(IP, "-n", bridge, "link", "set", port, "up");
            run(IP, "-n", ns, "addr", "add", address + "/24", "dev", DEVICE);
            run(IP, "-n", ns, "link", "set", "lo", "up");
            run(IP, "-n", ns, "link", "set", DEVICE, "up");
            hosts.add(new Host(ns, DEVICE, address));
        }
    }

    /**
     * Removes the namespaces (their veth pairs and the bridge go with them). Stop the processes
     * inside first: a namespace lingers, unnamed, until its last process exits.
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
                System.err.println("grapevine: could not remove network namespace " + namespaces.get(i) + ": " + e.getMessage());
            }
        }
        namespaces.clear();
    }

    /** Runs one command to completion; a non-zero exit becomes an IOException with its output. */
    private static void run(String... command) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException(command[0] + " cannot run: " + e.getMessage(), e);
        }
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + ": did not finish");
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + ": " + new String(out, StandardCharsets.UTF_8).strip());
        }
    }

    private static String findIp() {
        for (String candidate : List.of("/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip")) {
            if (Files.isExecutable(Path.of(candidate))) return candidate;
        }
        return "ip";
    }
}
