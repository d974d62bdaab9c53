package org.grapevine.gossip.discovery;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides which announced services are nodes of our network and when to report them: plain logic
 * over what jmDNS tells {@link LanDiscovery}, so it is tested without multicast. Skips our own
 * instance, services without TXT yet (asking for resolution a bounded number of times), other
 * networks and unknown protocol versions, and reports each address of an instance once.
 */
final class ServiceTracker {
    /** Instances remembered at once; a LAN flooding us with names cannot grow memory past this. */
    static final int MAX_INSTANCES = 1_024;
    /** Resolution requests per instance while its TXT is missing. */
    static final int MAX_REQUESTS = 3;

    private static final Logger log = LoggerFactory.getLogger(ServiceTracker.class);

    private static final class Instance {
        int requests;
        final Set<InetSocketAddress> reported = new LinkedHashSet<>();
    }

    private final String networkId;
    private final Supplier<String> ownName;
    private final Consumer<String> requestResolution;
    private final Consumer<InetSocketAddress> report;
    private final Map<String, Instance> instances = new HashMap<>();

    /**
     * @param networkId our network's short id, as announced in TXT {@code n}
     * @param ownName our instance name (read each time: jmDNS renames on a name conflict)
     * @param requestResolution asks jmDNS to resolve an instance (must not block)
     * @param report receives each new address of a node of our network
     */
    ServiceTracker(String networkId, Supplier<String> ownName, Consumer<String> requestResolution,
            Consumer<InetSocketAddress> report) {
        this.networkId = networkId;
        this.ownName = ownName;
        this.requestResolution = requestResolution;
        this.report = report;
    }

    /** An instance was announced; jmDNS has not resolved it yet. */
    void added(String name) {
        if (isOwn(name)) return;
        if (claimRequest(name)) requestResolution.accept(name);
    }

    /**
     * An instance resolved, possibly still without TXT ({@code txt} empty), which jmDNS reports
     * before the TXT record arrives.
     */
    void resolved(String name, Map<String, String> txt, List<InetAddress> addresses, int port) {
        if (isOwn(name)) return;
        if (txt.isEmpty()) {
            if (claimRequest(name)) requestResolution.accept(name);
            return;
        }
        if (!protocolMatches(txt) || !networkId.equals(txt.get(LanDiscovery.KEY_NETWORK))) {
            log.debug("mDNS: ignoring {} (v={}, n={})", name, txt.get(LanDiscovery.KEY_VERSION),
                    txt.get(LanDiscovery.KEY_NETWORK));
            forget(name);
            return;
        }
        if (port < 1 || port > 65535) return;
        List<InetSocketAddress> fresh = new ArrayList<>();
        synchronized (this) {
            Instance instance = instance(name);
            if (instance == null) return;
            for (InetAddress address : usable(addresses)) {
                InetSocketAddress socket = new InetSocketAddress(address, port);
                if (instance.reported.add(socket)) fresh.add(socket);
            }
        }
        for (InetSocketAddress address : fresh) report.accept(address);
    }

    /** An instance said goodbye (or expired): if it comes back, it is reported again. */
    void removed(String name) {
        forget(name);
    }

    synchronized int tracked() {
        return instances.size();
    }

    private static boolean protocolMatches(Map<String, String> txt) {
        return LanDiscovery.PROTOCOL_VERSION.equals(txt.get(LanDiscovery.KEY_VERSION));
    }

    private boolean isOwn(String name) {
        return name.equalsIgnoreCase(ownName.get());
    }

    private synchronized boolean claimRequest(String name) {
        Instance instance = instance(name);
        if (instance == null || instance.requests >= MAX_REQUESTS) return false;
        instance.requests++;
        return true;
    }

    private synchronized void forget(String name) {
        instances.remove(key(name));
    }

    private Instance instance(String name) {
        String key = key(name);
        Instance instance = instances.get(key);
        if (instance == null && instances.size() < MAX_INSTANCES) {
            instance = new Instance();
            instances.put(key, instance);
        }
        return instance;
    }

    private static String key(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    /** IPv4 when the service has any; otherwise IPv6 addresses that can be dialled (link-local needs a scope). */
    private static List<InetAddress> usable(List<InetAddress> addresses) {
        List<InetAddress> v4 = new ArrayList<>();
        List<InetAddress> v6 = new ArrayList<>();
        for (InetAddress a : addresses) {
            if (a instanceof Inet4Address) {
                v4.add(a);
            } else if (a instanceof Inet6Address six && (!six.isLinkLocalAddress() || six.getScopeId() != 0)) {
                v6.add(a);
            }
        }
        return v4.isEmpty() ? v6 : v4;
    }
}
