package org.grapevine.gossip.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the tracker reports for the event sequences jmDNS produces, without multicast. */
class ServiceTrackerTest {
    private static final String NET = "0a1b2c3d";
    private static final Map<String, String> OURS = Map.of("v", "1", "n", NET);
    private static final Map<String, String> NO_TXT = Map.of();

    private String ownName = "gv-self";
    private final List<String> requests = new ArrayList<>();
    private final List<InetSocketAddress> reported = new ArrayList<>();
    private final ServiceTracker tracker = new ServiceTracker(NET, () -> ownName, requests::add, reported::add);

    @Test
    void aPeerIsReportedOnceWhenItsTxtArrives() {
        tracker.added("gv-peer");
        assertEquals(List.of("gv-peer"), requests);

        tracker.resolved("gv-peer", NO_TXT, addresses("192.168.1.7"), 4000);
        assertEquals(List.of(), reported, "no report before the TXT record");

        tracker.resolved("gv-peer", OURS, addresses("192.168.1.7"), 4000);
        tracker.resolved("gv-peer", OURS, addresses("192.168.1.7"), 4000);
        assertEquals(List.of(socket("192.168.1.7", 4000)), reported);
    }

    @Test
    void resolutionIsRequestedABoundedNumberOfTimesWhileTxtIsMissing() {
        tracker.added("gv-peer");
        for (int i = 0; i < 10; i++) tracker.resolved("gv-peer", NO_TXT, addresses("192.168.1.7"), 4000);
        assertEquals(ServiceTracker.MAX_REQUESTS, requests.size());

        tracker.resolved("gv-peer", OURS, addresses("192.168.1.7"), 4000);
        assertEquals(1, reported.size());
    }

    @Test
    void ourOwnInstanceIsNeverReportedNorResolved() {
        tracker.added("gv-self");
        tracker.resolved("GV-SELF", NO_TXT, addresses("192.168.1.2"), 4000);
        tracker.resolved("gv-self", OURS, addresses("192.168.1.2"), 4000);
        assertEquals(List.of(), requests);
        assertEquals(List.of(), reported);
    }

    @Test
    void ourNameIsReadAfreshBecauseJmdnsRenamesOnAConflict() {
        ownName = "gv-self (2)";
        tracker.resolved("gv-self", OURS, addresses("192.168.1.9"), 4000);
        tracker.resolved("gv-self (2)", OURS, addresses("192.168.1.2"), 4000);
        assertEquals(List.of(socket("192.168.1.9", 4000)), reported);
    }

    @Test
    void otherNetworksUnknownVersionsAndStrangersAreIgnored() {
        tracker.resolved("gv-other-net", Map.of("v", "1", "n", "ffffffff"), addresses("192.168.1.3"), 4000);
        tracker.resolved("gv-future", Map.of("v", "2", "n", NET), addresses("192.168.1.4"), 4000);
        tracker.resolved("gv-no-version", Map.of("n", NET), addresses("192.168.1.5"), 4000);
        tracker.resolved("printer", Map.of("rp", "ipp/print"), addresses("192.168.1.6"), 631);
        tracker.resolved("gv-bad-port", OURS, addresses("192.168.1.8"), 0);
        assertEquals(List.of(), reported);
        assertEquals(0, tracker.tracked(), "ignored services are not remembered");
    }

    @Test
    void unknownExtraTxtKeysAreTolerated() {
        tracker.resolved("gv-newer", Map.of("v", "1", "n", NET, "x", "later"), addresses("192.168.1.4"), 4000);
        assertEquals(List.of(socket("192.168.1.4", 4000)), reported);
    }

    @Test
    void aMovedInstanceIsReportedAtItsNewAddress() {
        tracker.resolved("gv-peer", OURS, addresses("192.168.1.7"), 4000);
        tracker.resolved("gv-peer", OURS, addresses("192.168.1.70"), 4000);
        tracker.resolved("gv-peer", OURS, addresses("192.168.1.70"), 4001);
        assertEquals(List.of(socket("192.168.1.7", 4000), socket("192.168.1.70", 4000), socket("192.168.1.70", 4001)),
                reported);
    }

    @Test
    void anInstanceThatReappearsAfterRemovalIsReportedAgain() {
        tracker.resolved("gv-peer", OURS, addresses("192.168.1.7"), 4000);
        tracker.removed("gv-peer");
        tracker.resolved("gv-peer", OURS, addresses("192.168.1.7"), 4000);
        assertEquals(2, reported.size());
    }

    @Test
    void ipv4IsPreferredAndUnscopedLinkLocalIpv6IsNeverReported() {
        tracker.resolved("gv-dual", OURS, addresses("fd00::7", "192.168.1.7"), 4000);
        tracker.resolved("gv-six", OURS, addresses("fe80::1", "fd00::9"), 4000);
        assertEquals(List.of(socket("192.168.1.7", 4000), socket("fd00::9", 4000)), reported);
    }

    @Test
    void aFloodOfNamesIsCapped() {
        for (int i = 0; i < ServiceTracker.MAX_INSTANCES + 500; i++) tracker.added("gv-flood-" + i);
        assertEquals(ServiceTracker.MAX_INSTANCES, tracker.tracked());
        assertEquals(ServiceTracker.MAX_INSTANCES, requests.size());
        assertTrue(reported.isEmpty());
    }

    private static List<InetAddress> addresses(String... literals) {
        List<InetAddress> list = new ArrayList<>();
        for (String s : literals) list.add(parse(s));
        return list;
    }

    private static InetSocketAddress socket(String literal, int port) {
        return new InetSocketAddress(parse(literal), port);
    }

    private static InetAddress parse(String literal) {
        try {
            return InetAddress.getByName(literal); // literals only: no lookup
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
