package org.grapevine.gossip.discovery;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.jmdns.JmDNS;
import javax.jmdns.ServiceEvent;
import javax.jmdns.ServiceInfo;
import javax.jmdns.ServiceListener;
import org.grapevine.gossip.transport.NetworkKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the other nodes of our network on one LAN interface over mDNS (jmDNS) and announces this
 * node there. The announcement carries a random instance and host name per start and TXT records
 * holding only the protocol version and the network's short id: identities are learned inside
 * the encrypted handshake, never from the LAN.
 *
 * <p>jmDNS's own close takes seconds, so {@link #close()} hands it to a background daemon thread
 * and returns at once; {@link #closeFuture()} completes when jmDNS has closed.
 */
public final class LanDiscovery implements AutoCloseable {
    public static final String SERVICE_TYPE = "_grapevine._tcp.local.";
    /** The protocol version announced in TXT {@code v}; services announcing another are ignored. */
    public static final String PROTOCOL_VERSION = "1";
    static final String KEY_VERSION = "v";
    static final String KEY_NETWORK = "n";

    private static final Logger log = LoggerFactory.getLogger(LanDiscovery.class);
    private static final String BASE32 = "abcdefghijklmnopqrstuvwxyz234567";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Told about each node of our network found on the LAN. */
    @FunctionalInterface
    public interface Listener {
        /**
         * A node of our network announces that it listens at {@code address}. Called on a jmDNS
         * thread, once per address of each announced instance (again if the instance re-appears
         * or moves), never for this node itself: hand the work off, do not block.
         */
        void found(InetSocketAddress address);
    }

    private final JmDNS jmdns;
    private final ServiceInfo ours;
    private final ServiceTracker tracker;
    private final ServiceListener events;
    // One daemon thread runs resolution requests and, last, the close.
    private final ExecutorService background;
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private final AtomicBoolean closeOnce = new AtomicBoolean();
    private volatile boolean closing;

    private LanDiscovery(JmDNS jmdns, ServiceInfo ours, String networkId, Listener listener) {
        this.jmdns = jmdns;
        this.ours = ours;
        this.background = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "grapevine-mdns-" + ours.getName());
            t.setDaemon(true);
            return t;
        });
        this.tracker = new ServiceTracker(networkId, ours::getName, this::requestResolution, address -> {
            if (!closing) listener.found(address);
        });
        this.events = new Events();
    }

    /**
     * Binds jmDNS to {@code bindAddress} (one LAN interface's address, see {@link LanInterfaces}),
     * announces our listen {@code port} on {@code network} and starts browsing. Returns within
     * milliseconds: jmDNS probes and announces on its own threads.
     *
     * @throws IOException if jmDNS cannot open its multicast socket on {@code bindAddress}
     */
    public static LanDiscovery start(InetAddress bindAddress, int port, NetworkKey network, Listener listener)
            throws IOException {
        if (port < 1 || port > 65535) throw new IllegalArgumentException("port " + port + " out of range");
        String name = randomName();
        // Given no name, jmDNS would announce the machine's host name in the SRV and A records.
        JmDNS jmdns = JmDNS.create(bindAddress, name);
        Map<String, String> txt = new LinkedHashMap<>();
        txt.put(KEY_VERSION, PROTOCOL_VERSION);
        txt.put(KEY_NETWORK, network.shortId());
        ServiceInfo ours = ServiceInfo.create(SERVICE_TYPE, name, port, 0, 0, txt);
        LanDiscovery discovery = new LanDiscovery(jmdns, ours, network.shortId(), listener);
        try {
            jmdns.registerService(ours);
            jmdns.addServiceListener(SERVICE_TYPE, discovery.events);
        } catch (IOException | RuntimeException e) {
            discovery.close();
            throw e;
        }
        log.debug("mDNS on {}: {} announces port {} of {}", bindAddress.getHostAddress(), name, port, network);
        return discovery;
    }

    /** Our instance name in this run: random, unrelated to the identity. */
    public String instanceName() {
        return ours.getName();
    }

    /**
     * Stops reporting at once and closes jmDNS (which says goodbye on the LAN) on a background
     * daemon thread, because jmDNS's close takes 2–4 s. Returns immediately; completion is
     * signalled by {@link #closeFuture()}. A JVM that exits first simply skips the goodbye; but
     * jmDNS's own threads are not daemons, so a JVM waiting for its last thread waits for this.
     */
    @Override
    public void close() {
        if (!closeOnce.compareAndSet(false, true)) return;
        closing = true;
        try {
            background.execute(() -> {
                try {
                    jmdns.removeServiceListener(SERVICE_TYPE, events);
                    jmdns.close();
                    closed.complete(null);
                } catch (IOException | RuntimeException e) {
                    log.debug("closing mDNS failed", e);
                    closed.completeExceptionally(e);
                } finally {
                    background.shutdown();
                }
            });
        } catch (RejectedExecutionException e) {
            closed.completeExceptionally(e);
        }
    }

    /** Completes when the background close has finished; never before {@link #close()} is called. */
    public CompletableFuture<Void> closeFuture() {
        return closed.copy();
    }

    // requestServiceInfo waits up to 200 ms for an answer: keep that off jmDNS's event thread.
    private void requestResolution(String instance) {
        if (closing) return;
        try {
            background.execute(() -> {
                if (!closing) jmdns.requestServiceInfo(SERVICE_TYPE, instance, 1);
            });
        } catch (RejectedExecutionException e) {
            // closing meanwhile: nothing left to resolve for
        }
    }

    static String randomName() {
        StringBuilder name = new StringBuilder("gv-");
        for (int i = 0; i < 12; i++) name.append(BASE32.charAt(RANDOM.nextInt(BASE32.length())));
        return name.toString();
    }

    /** Translates jmDNS's events for the tracker. */
    private final class Events implements ServiceListener {
        @Override
        public void serviceAdded(ServiceEvent event) {
            if (!closing) tracker.added(event.getName());
        }

        @Override
        public void serviceRemoved(ServiceEvent event) {
            tracker.removed(event.getName());
        }

        @Override
        public void serviceResolved(ServiceEvent event) {
            if (closing) return;
            ServiceInfo info = event.getInfo();
            List<InetAddress> addresses = new ArrayList<>();
            Collections.addAll(addresses, info.getInet4Addresses());
            Collections.addAll(addresses, info.getInet6Addresses());
            tracker.resolved(event.getName(), txt(info), addresses, info.getPort());
        }

        private Map<String, String> txt(ServiceInfo info) {
            Map<String, String> txt = new LinkedHashMap<>();
            for (var names = info.getPropertyNames(); names.hasMoreElements(); ) {
                String key = names.nextElement();
                String value = info.getPropertyString(key);
                if (value != null) txt.put(key, value);
            }
            return txt;
        }
    }
}
