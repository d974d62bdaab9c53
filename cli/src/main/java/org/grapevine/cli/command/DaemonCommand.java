package org.grapevine.cli.command;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.grapevine.cli.ExitCodes;
import org.grapevine.cli.Session;
import org.grapevine.cli.SizeConverter;
import org.grapevine.node.Sizes;
import org.grapevine.cli.UserError;
import org.grapevine.gossip.discovery.PeerAddress;
import org.grapevine.gossip.transport.NetworkKey;
import org.grapevine.identity.Identity;
import org.grapevine.node.DaemonExtension;
import org.grapevine.node.Node;
import org.grapevine.node.api.LocalApi;
import org.grapevine.node.control.ControlServer;
import org.grapevine.node.store.Store;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "daemon", description = {
        "Run this node in the foreground: connect to peers, replicate, serve the other commands.",
        "Stops cleanly on Ctrl-C or SIGTERM."})
public final class DaemonCommand implements Callable<Integer> {
    @Mixin HomeOption home;
    @Spec CommandSpec spec;

    @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "0.0.0.0:" + Node.Config.DEFAULT_PORT,
            description = "Where to accept connections (default ${DEFAULT-VALUE}; port 0 picks a free one).")
    String listen;

    @Option(names = "--peer", paramLabel = "HOST:PORT[@ID]", description = "A peer to connect to (repeatable).")
    List<String> peers = new ArrayList<>();

    @Option(names = "--network", paramLabel = "NAME", defaultValue = NetworkKey.DEFAULT_NAME,
            description = "Which network to join (default ${DEFAULT-VALUE}); nodes of other networks cannot connect.")
    String network;

    @Option(names = "--hops", paramLabel = "N", defaultValue = "2",
            description = "Replicate the feeds within N follow hops of yours (default ${DEFAULT-VALUE}).")
    int hops;

    @Option(names = "--no-mdns", description = "Do not look for nearby nodes on the LAN (nor announce this one).")
    boolean noMdns;

    @Option(names = "--mdns-interface", paramLabel = "IF", description = "Run LAN discovery on this network interface only (default: every LAN interface).")
    String mdnsInterface;

    @Option(names = "--blob-auto-max", paramLabel = "SIZE", defaultValue = "20MiB", converter = SizeConverter.class,
            description = "Fetch the attachments of followed people's posts unasked up to this size (default ${DEFAULT-VALUE}; "
                    + "bytes, or KiB, MiB, GiB); bigger ones on 'blob get'.")
    long blobAutoMax;

    @Option(names = "--blob-max", paramLabel = "SIZE", defaultValue = "2GiB", converter = SizeConverter.class,
            description = "Store no blob larger than this (default ${DEFAULT-VALUE}).")
    long blobMax;

    @Override
    public Integer call() throws Exception {
        if (hops < 0 || hops > 4) throw new UserError(ExitCodes.USAGE, "--hops must be between 0 and 4");
        if (noMdns && mdnsInterface != null) throw new UserError(ExitCodes.USAGE, "--no-mdns and --mdns-interface contradict each other");
        Node.Lan lan = noMdns ? Node.Lan.OFF : mdnsInterface != null ? Node.Lan.on(mdnsInterface) : Node.Lan.ALL;
        if (mdnsInterface != null) {
            try {
                org.grapevine.gossip.discovery.LanInterfaces.addressOf(mdnsInterface);
            } catch (IllegalArgumentException e) {
                throw new UserError(ExitCodes.USAGE, "--mdns-interface: " + e.getMessage());
            }
        }
        Node.Config config = Node.Config.defaults()
                .withListen(listenAddress())
                .withBootstrap(peers.stream().map(DaemonCommand::peer).toList())
                .withNetwork(network(network))
                .withHops(hops)
                .withLan(lan)
                .withBlobs(new Node.Blobs(blobAutoMax, blobMax, Node.Blobs.DEFAULTS.hops()));
        PrintStream events = System.out;
        DaemonExtension extension = extension(events);
        try (Session session = home.open()) {
            Running running = start(session, config, line -> log(events, line), extension == null ? Node.Hooks.NONE : extension.hooks());
            Node node = running.node();
            ControlServer control = running.control();
            Store store = session.store();
            if (extension != null) extension.started(node);
            CountDownLatch stopped = new CountDownLatch(1);
            Thread hook = new Thread(() -> {
                log(events, "stopping");
                if (extension != null) {
                    try {
                        extension.close();
                    } catch (IOException ignored) {
                        // What the extension kept (a test network's trace) ends here either way.
                    }
                }
                try {
                    control.close();
                } catch (IOException ignored) {
                    // The socket file goes with the home directory's next daemon at worst.
                }
                node.close();
                store.close();
                log(events, "stopped");
                stopped.countDown();
            }, "grapevine-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            stopped.await();
        }
        return ExitCodes.OK;
    }

    /** A node running in this process, and the control socket through which commands reach it. */
    record Running(Node node, ControlServer control) implements AutoCloseable {
        @Override
        public void close() {
            try {
                control.close();
            } catch (IOException ignored) {
                // The socket file goes with the home directory's next daemon at worst.
            }
            node.close();
        }
    }

    /** Starts the node of {@code session}'s home with {@code config}, and its control socket. */
    static Running start(Session session, Node.Config config, java.util.function.Consumer<String> events, Node.Hooks hooks) {
        Identity identity = session.unlock();
        Store store = session.store();
        Node node;
        try {
            node = Node.start(session.home(), identity, store, config, events, hooks);
        } catch (Exception e) {
            throw new UserError(ExitCodes.FAILURE, "cannot listen on " + config.listen() + ": " + e.getMessage());
        }
        try {
            return new Running(node, ControlServer.start(session.home().controlSocket(), LocalApi.daemon(node, store, session.home())::handle));
        } catch (IOException e) {
            node.close();
            throw new UserError(ExitCodes.FAILURE, e.getMessage());
        }
    }

    /** What the environment attaches to this daemon's node (a test network that started it), else null. */
    private static DaemonExtension extension(PrintStream events) {
        try {
            return DaemonExtension.fromEnvironment(System.getenv(), line -> log(events, line)).orElse(null);
        } catch (IllegalArgumentException e) {
            throw new UserError(ExitCodes.USAGE, e.getMessage());
        } catch (IOException e) {
            throw new UserError(ExitCodes.FAILURE, "cannot start the daemon's extension: " + e.getMessage());
        }
    }

    private InetSocketAddress listenAddress() {
        int colon = listen.lastIndexOf(':');
        String host = colon > 0 ? listen.substring(0, colon) : "";
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        int port = -1;
        try {
            port = Integer.parseInt(listen.substring(colon + 1));
        } catch (NumberFormatException e) {
            // Reported below.
        }
        if (host.isEmpty() || port < 0 || port > 65535) {
            throw new UserError(ExitCodes.USAGE, "--listen must be HOST:PORT, not '" + listen + "'");
        }
        return new InetSocketAddress(host, port);
    }

    private static PeerAddress peer(String text) {
        try {
            return PeerAddress.parse(text);
        } catch (IllegalArgumentException e) {
            throw new UserError(ExitCodes.USAGE, "--peer: " + e.getMessage());
        }
    }

    static NetworkKey network(String name) {
        try {
            return NetworkKey.named(name);
        } catch (IllegalArgumentException e) {
            throw new UserError(ExitCodes.USAGE, "--network: " + e.getMessage());
        }
    }

    private static void log(PrintStream out, String line) {
        synchronized (out) {
            out.println(Instant.now().truncatedTo(ChronoUnit.MILLIS) + " " + line);
            out.flush();
        }
    }
}
