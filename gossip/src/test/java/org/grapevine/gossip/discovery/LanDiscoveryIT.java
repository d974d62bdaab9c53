package org.grapevine.gossip.discovery;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.jmdns.JmDNS;
import javax.jmdns.ServiceEvent;
import javax.jmdns.ServiceInfo;
import javax.jmdns.ServiceListener;
import org.grapevine.gossip.transport.NetworkKey;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.Identity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Real jmDNS over real multicast on 127.0.0.1 (which works here although {@code lo} lacks the
 * MULTICAST flag). Each test uses networks named afresh, so concurrent runs on one host never see
 * each other's nodes.
 */
class LanDiscoveryIT {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Duration DISCOVERY = Duration.ofSeconds(15);
    // Announced ports only: nothing listens on them.
    private static final int PORT_A = 41001;
    private static final int PORT_B = 41002;
    private static final int PORT_C = 41003;
    private static final int PORT_D = 41004;

    private final List<LanDiscovery> started = new ArrayList<>();
    private final List<JmDNS> probes = new ArrayList<>();

    /** A LanDiscovery and everything it reported. */
    private record Node(LanDiscovery discovery, List<InetSocketAddress> found) {
        boolean sees(int port) {
            return found.contains(new InetSocketAddress(LOOPBACK, port));
        }
    }

    @AfterEach
    void closeAll() throws IOException {
        for (LanDiscovery d : started) d.close();
        for (JmDNS probe : probes) probe.close(); // meanwhile the discoveries close in the background
        for (LanDiscovery d : started) await().atMost(Duration.ofSeconds(15)).until(() -> d.closeFuture().isDone());
    }

    @Test
    void nodesOfOneNetworkFindEachOtherAndNeverThemselvesNorAnotherNetwork() throws IOException {
        NetworkKey ours = freshNetwork();
        NetworkKey theirs = freshNetwork();
        long t0 = System.nanoTime();
        Node a = start(PORT_A, ours);
        Node b = start(PORT_B, ours);
        Node c = start(PORT_C, theirs);
        Node d = start(PORT_D, theirs);
        long startedIn = System.nanoTime() - t0;

        await().atMost(DISCOVERY).until(() -> a.sees(PORT_B) && b.sees(PORT_A));
        long found = System.nanoTime() - t0;
        await().atMost(DISCOVERY).until(() -> c.sees(PORT_D) && d.sees(PORT_C));
        System.out.printf("LanDiscoveryIT: 4 starts took %d ms; a and b found each other after %d ms, c and d after %d ms%n",
                startedIn / 1_000_000, found / 1_000_000, (System.nanoTime() - t0) / 1_000_000);

        // Both networks are announcing and browsing by now; give any stray report time to show.
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertEquals(List.of(address(PORT_B)), a.found(), "a reports b once, never itself, c or d");
            assertEquals(List.of(address(PORT_A)), b.found(), "b reports a once, never itself, c or d");
            assertEquals(List.of(address(PORT_D)), c.found(), "c reports d once, never itself, a or b");
            assertEquals(List.of(address(PORT_C)), d.found(), "d reports c once, never itself, a or b");
        });
    }

    @Test
    void aPlainMdnsClientSeesOnlyVersionAndNetworkNeverTheIdentity() throws IOException {
        // The identity is never handed to LanDiscovery; this proves nothing derived from it leaks anyway.
        Identity identity = Identity.generate(new SecureRandom());
        NetworkKey network = freshNetwork();
        Map<String, ServiceInfo> resolved = new ConcurrentHashMap<>();
        JmDNS probe = JmDNS.create(LOOPBACK, "probe");
        probes.add(probe);
        probe.addServiceListener(LanDiscovery.SERVICE_TYPE, new ServiceListener() {
            @Override
            public void serviceAdded(ServiceEvent event) {
            }

            @Override
            public void serviceRemoved(ServiceEvent event) {
            }

            @Override
            public void serviceResolved(ServiceEvent event) {
                if (event.getInfo().getPropertyString("n") != null) resolved.put(event.getName(), event.getInfo());
            }
        });
        Node node = start(PORT_A, network);

        String instance = node.discovery().instanceName();
        await().atMost(DISCOVERY).until(() -> resolved.containsKey(instance));
        ServiceInfo info = resolved.get(instance);

        Set<String> keys = new HashSet<>();
        info.getPropertyNames().asIterator().forEachRemaining(keys::add);
        assertEquals(Set.of("v", "n"), keys);
        assertEquals("1", info.getPropertyString("v"));
        assertEquals(network.shortId(), info.getPropertyString("n"));
        assertEquals(Set.of("v=1", "n=" + network.shortId()), txtStrings(info.getTextBytes()),
                "the raw TXT record holds exactly these two strings");
        assertEquals(PORT_A, info.getPort());
        assertTrue(instance.matches("gv-[a-z2-7]{12}"), instance);

        List<String> announced = List.of(instance, info.getQualifiedName(), info.getServer(),
                new String(info.getTextBytes(), StandardCharsets.ISO_8859_1));
        for (String forbidden : idForms(identity.id())) {
            for (String text : announced) {
                assertFalse(text.toLowerCase(Locale.ROOT).contains(forbidden.toLowerCase(Locale.ROOT)),
                        "'" + text + "' contains '" + forbidden + "'");
            }
        }
        assertEquals(instance + ".local.", info.getServer(), "the host name is as random as the instance name, not the machine's");
    }

    @Test
    void closeReturnsBeforeJmdnsHasClosedAndTheBackgroundCloseCompletes() throws IOException {
        Node node = start(PORT_A, freshNetwork());
        assertFalse(node.discovery().closeFuture().isDone());

        long t0 = System.nanoTime();
        node.discovery().close();
        long returned = System.nanoTime() - t0;
        assertFalse(node.discovery().closeFuture().isDone(), "close() returned before jmDNS finished closing");
        node.discovery().close(); // twice is harmless

        await().atMost(Duration.ofSeconds(15)).until(() -> node.discovery().closeFuture().isDone());
        assertFalse(node.discovery().closeFuture().isCompletedExceptionally());
        System.out.printf("LanDiscoveryIT: close() returned in %.1f ms, jmDNS closed after %d ms%n",
                returned / 1e6, (System.nanoTime() - t0) / 1_000_000);
    }

    private Node start(int port, NetworkKey network) throws IOException {
        List<InetSocketAddress> found = new CopyOnWriteArrayList<>();
        LanDiscovery discovery = LanDiscovery.start(LOOPBACK, port, network, found::add);
        started.add(discovery);
        assertNotNull(discovery.instanceName());
        return new Node(discovery, found);
    }

    private static NetworkKey freshNetwork() {
        return NetworkKey.named("lan-test-" + LanDiscovery.randomName());
    }

    private static InetSocketAddress address(int port) {
        return new InetSocketAddress(LOOPBACK, port);
    }

    /** The strings of a DNS TXT record: each a length byte and that many bytes. */
    private static Set<String> txtStrings(byte[] txt) {
        Set<String> strings = new HashSet<>();
        for (int i = 0; i < txt.length; ) {
            int len = txt[i++] & 0xff;
            if (len > 0) strings.add(new String(txt, i, len, StandardCharsets.UTF_8));
            i += len;
        }
        return strings;
    }

    /** Every form an id could leak in: text form, hex, base64 variants, and every 8-char piece of the hex and text. */
    private static List<String> idForms(AuthorId id) {
        byte[] bytes = id.bytes();
        List<String> forms = new ArrayList<>(List.of(id.toString(), id.hex(),
                Base64.getEncoder().encodeToString(bytes), Base64.getUrlEncoder().withoutPadding().encodeToString(bytes)));
        for (String whole : List.of(id.hex(), id.toString())) {
            for (int i = 0; i + 8 <= whole.length(); i++) forms.add(whole.substring(i, i + 8));
        }
        return forms;
    }
}
