package org.grapevine.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.grapevine.cli.GrapevineJar.Daemon;
import org.grapevine.gossip.transport.NetworkKey;
import org.grapevine.identity.AuthorId;
import org.grapevine.node.Home;
import org.grapevine.identity.Malformed;
import org.grapevine.identity.content.Content;
import org.grapevine.identity.log.Entry;
import org.grapevine.node.api.ApiCodec;
import org.grapevine.node.api.ApiRequest;
import org.grapevine.node.api.ApiResponse;
import org.grapevine.node.control.ControlClient;
import org.grapevine.testnet.process.NetnsLan;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A meetup on a real LAN: daemons in separate network namespaces joined by a bridge, each with its
 * own home and no address given, find each other over multicast DNS and connect; a follow made
 * from {@code nearby} brings a post across; a node of another network on the same LAN hears the
 * announcements but is never joined. Skipped where {@code ip netns} is not permitted (needs root).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class MeetupIT {
    /** jmDNS takes about 4 s to find nodes that start together; JVM starts and handshakes come on top. */
    private static final Duration DISCOVERY = Duration.ofSeconds(30);
    private static final int PORT = 7733;
    private static final String OTHER_NETWORK = "other";
    /** How long after alice and bob met the stranger must still be a stranger. */
    private static final Duration QUIET = Duration.ofSeconds(5);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir static Path tmp;
    private static NetnsLan lan;
    private static GrapevineJar grapevine;
    private static final List<Daemon> running = new CopyOnWriteArrayList<>();
    private static Person alice;
    private static Person bob;
    private static Person carol;
    /** At the same meetup, on another Grapevine network. */
    private static Person stranger;
    /** A plain mDNS client on the stranger's host, printing every announcement it resolves. */
    private static Daemon probe;

    /** Someone at the meetup: a home, an id, a host on the LAN and the daemon running there. */
    private record Person(String name, Path home, String id, NetnsLan.Host host, Daemon daemon) {
        String endpoint() {
            return host.address() + ":" + PORT;
        }

        /** Runs {@code grapevine ARGS --home HOME} in a process of its own, as a person would. */
        String cli(String... args) throws IOException, InterruptedException {
            return grapevine.run(home, args);
        }

        /** Asks the daemon over its local API, as a {@code grapevine} process would, without starting a JVM per poll. */
        ApiResponse ask(ApiRequest request) throws IOException {
            byte[] answer = ControlClient.call(new Home(home).controlSocket(), ApiCodec.encode(request))
                    .orElseThrow(() -> new IOException("no daemon answers on " + home));
            try {
                return ApiCodec.decodeResponse(answer);
            } catch (Malformed e) {
                throw new IOException(e);
            }
        }

        void post(String text) throws IOException, InterruptedException {
            cli("post", text);
        }

        List<String> feedTexts() throws IOException {
            List<String> texts = new ArrayList<>();
            ApiResponse.Entries feed = (ApiResponse.Entries) ask(new ApiRequest.Feed(20, false));
            for (String e : feed.entries()) {
                try {
                    texts.add(((Content.Post) Entry.decode(Base64.getDecoder().decode(e)).decodeContent()).text());
                } catch (Malformed bad) {
                    throw new IOException(bad);
                }
            }
            return texts;
        }

        boolean connectedTo(Person other) {
            return daemon.logged("connected " + other.id);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    @BeforeAll
    static void meetup() throws Exception {
        try {
            lan = NetnsLan.create(4);
        } catch (NetnsLan.Unavailable e) {
            assumeTrue(false, "needs root and ip netns: " + e.getMessage());
        }
        grapevine = GrapevineJar.ofThisBuild(tmp.resolve("out"));
        assertTrue(Files.isRegularFile(grapevine.jar()), grapevine.jar() + " is missing: run 'mvn package' first");
        List<String> names = List.of("alice", "bob", "carol", "stranger");
        List<Callable<Person>> arrivals = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            NetnsLan.Host host = lan.host(i);
            arrivals.add(() -> {
                Path home = tmp.resolve(name);
                String id = grapevine.run(home, "init", "--name", name, "--no-passphrase").strip();
                List<String> args = new ArrayList<>(List.of("--listen", "0.0.0.0:" + PORT)); // no --peer: the LAN must do it
                if (name.equals("stranger")) args.addAll(List.of("--network", OTHER_NETWORK));
                if (name.equals("carol")) args.addAll(List.of("--mdns-interface", host.device())); // the others use every LAN
                Daemon daemon = grapevine.daemon(host, home, args.toArray(String[]::new));
                running.add(daemon);
                return new Person(name, home, id, host, daemon);
            });
        }
        List<Person> people = parallel(arrivals);
        alice = people.get(0);
        bob = people.get(1);
        carol = people.get(2);
        stranger = people.get(3);
        String classPath = Path.of(System.getProperty("basedir", ""), "target", "test-classes").toAbsolutePath()
                + File.pathSeparator + grapevine.jar();
        probe = grapevine.start(stranger.host,
                grapevine.javaMain(classPath, MdnsProbe.class.getName(), stranger.host.address(), "170"));
        running.add(probe);
        // Once its control socket exists, the other commands go through the daemon.
        for (Person p : people) {
            await().atMost(DISCOVERY).untilAsserted(() -> assertTrue(Files.exists(new Home(p.home).controlSocket()),
                    () -> p + "'s daemon is not up:\n" + p.daemon));
        }
    }

    @AfterAll
    static void leave() {
        try {
            GrapevineJar.stopAll(running, 10);
        } finally {
            if (lan != null) lan.close();
        }
    }

    @Test
    void threeDaemonsGivenNoAddressFindEachOtherOnTheLanAndConnect() throws Exception {
        List<Person> ours = List.of(alice, bob, carol);
        await().atMost(DISCOVERY).untilAsserted(() -> {
            for (Person p : ours) {
                for (Person q : ours) {
                    if (p == q) continue;
                    assertTrue(p.daemon.logged("found " + q.endpoint() + " on the LAN"), () -> p + " has not found " + q + logs());
                    assertTrue(p.connectedTo(q), () -> p + " is not connected to " + q + logs());
                }
            }
        });
        for (Person p : ours) {
            System.out.printf("MeetupIT: %s, from its start: listening after %d ms, found a node after %d ms, connected after %d ms%n",
                    p, since(p, "listening on "), since(p, " found "), since(p, " connected "));
        }
        JsonNode peers = JSON.readTree(bob.cli("peers", "--json"));
        for (Person other : List.of(alice, carol)) {
            assertTrue(peersList(peers).stream().anyMatch(n -> other.id.equals(n.path("id").asText()) && n.path("connected").asBoolean()),
                    () -> "bob's peers do not list " + other + " as connected: " + peers);
        }
    }

    @Test
    void aFollowMadeFromNearbyBringsAlicesPostToBob() throws Exception {
        await().atMost(DISCOVERY).until(() -> ((ApiResponse.NearbyList) bob.ask(new ApiRequest.Nearby())).met().stream()
                .anyMatch(m -> alice.id.equals(m.id())));
        JsonNode met = entryFor(alice, bob.cli("nearby", "--json")).orElseThrow();
        assertEquals(alice.endpoint(), met.path("address").asText(), met::toString);
        assertFalse(met.path("followed").asBoolean(), met::toString);

        String prefix = alice.id.substring(0, 9); // '@' and the first 8 characters
        String followed = bob.cli("follow", prefix);
        assertTrue(followed.contains(alice.id), followed);
        alice.post("hello from the meetup");

        await().atMost(DISCOVERY).pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> assertTrue(bob.feedTexts().contains("hello from the meetup"), () -> "no post in bob's feed" + logs()));
        JsonNode after = entryFor(alice, bob.cli("nearby", "--json")).orElseThrow();
        assertTrue(after.path("followed").asBoolean(), after::toString);
        assertEquals("alice", after.path("declared_name").asText(), after::toString);
    }

    @Test
    void aNodeOfAnotherNetworkHearsTheAnnouncementsButIsNeverJoined() throws Exception {
        // What the announcements tell anybody on the stranger's host.
        List<Person> everyone = List.of(alice, bob, carol, stranger);
        Map<String, JsonNode> heard = await().atMost(DISCOVERY).until(() -> announcements(probe),
                found -> everyone.stream().allMatch(p -> found.containsKey(p.host.address())));
        Set<String> leaks = new HashSet<>();
        for (Person p : everyone) leaks.addAll(idForms(AuthorId.parse(p.id)));
        for (Person p : everyone) {
            JsonNode a = heard.get(p.host.address());
            String network = (p == stranger ? NetworkKey.named(OTHER_NETWORK) : NetworkKey.defaultNetwork()).shortId();
            Set<String> keys = new HashSet<>();
            a.path("txt").fieldNames().forEachRemaining(keys::add);
            assertEquals(Set.of("v", "n"), keys, a::toString);
            assertEquals(network, a.path("txt").path("n").asText(), a::toString);
            assertEquals(PORT, a.path("port").asInt(), a::toString);
            String instance = a.path("instance").asText();
            assertTrue(instance.matches("gv-[a-z2-7]{12}"), a::toString);
            assertEquals(instance + ".local.", a.path("server").asText(), a::toString);
            String raw = new String(Base64.getDecoder().decode(a.path("raw_txt").asText()), StandardCharsets.ISO_8859_1);
            for (String text : List.of(instance, a.path("qualified").asText(), a.path("server").asText(), raw)) {
                for (String leak : leaks) {
                    assertFalse(text.toLowerCase(Locale.ROOT).contains(leak.toLowerCase(Locale.ROOT)),
                            () -> p + " announced '" + text + "', which contains '" + leak + "'");
                }
            }
        }
        assertFalse(NetworkKey.named(OTHER_NETWORK).shortId().equals(NetworkKey.defaultNetwork().shortId()));

        // Heard, but ignored: in the logs, which keep everything since the start, nobody finds,
        // dials or meets the stranger, up to QUIET after alice and bob met (or longer: now).
        await().atMost(DISCOVERY).until(() -> alice.connectedTo(bob) && bob.connectedTo(alice));
        long met = Math.max(Daemon.timeOf(alice.daemon.line("connected " + bob.id).orElseThrow()),
                Daemon.timeOf(bob.daemon.line("connected " + alice.id).orElseThrow()));
        Duration left = Duration.ofMillis(met + QUIET.toMillis() - System.currentTimeMillis());
        if (left.isNegative() || left.isZero()) {
            assertNobodyMetTheStranger();
        } else {
            await().during(left).atMost(left.plusSeconds(5)).untilAsserted(MeetupIT::assertNobodyMetTheStranger);
        }
        for (Person p : List.of(alice, bob)) {
            String peers = p.cli("peers", "--json");
            assertFalse(peers.contains(stranger.id) || peers.contains(stranger.host.address()), () -> p + "'s peers: " + peers);
        }
    }

    private static void assertNobodyMetTheStranger() {
        for (Person p : List.of(alice, bob, carol)) {
            for (String line : p.daemon.log()) {
                assertFalse(line.contains(stranger.host.address() + ":") || line.contains(stranger.id),
                        () -> p + " met the stranger: " + line + logs());
            }
        }
        for (String line : stranger.daemon.log()) {
            assertFalse(line.contains(" found ") || line.contains(" connected ") || line.contains(" handshake "),
                    () -> "the stranger met someone: " + line + logs());
        }
    }

    /** What a {@code nearby --json} output says about {@code who}, if they were met. */
    private static Optional<JsonNode> entryFor(Person who, String nearbyJson) throws IOException {
        for (JsonNode item : JSON.readTree(nearbyJson)) {
            if (who.id.equals(item.path("id").asText())) return Optional.of(item);
        }
        return Optional.empty();
    }

    /** Milliseconds from the start of p's daemon to its first log line containing {@code text}. */
    private static long since(Person p, String text) {
        return Daemon.timeOf(p.daemon.line(text).orElseThrow()) - p.daemon.startMillis();
    }

    /** The latest announcement the probe resolved with its TXT record, by the address announced. */
    private static Map<String, JsonNode> announcements(Daemon probe) throws IOException {
        Map<String, JsonNode> byAddress = new HashMap<>();
        for (String line : probe.log()) {
            if (!line.startsWith("{")) continue;
            JsonNode a = JSON.readTree(line);
            if (a.path("txt").path("n").isMissingNode()) continue; // resolved before its TXT came in
            for (JsonNode address : a.path("addresses")) byAddress.put(address.asText(), a);
        }
        return byAddress;
    }

    private static List<JsonNode> peersList(JsonNode peers) {
        List<JsonNode> out = new ArrayList<>();
        peers.forEach(out::add);
        return out;
    }

    /** Every form an id could leak in: text, hex, base64 variants, and every 8-character piece of the text and hex. */
    private static List<String> idForms(AuthorId id) {
        byte[] bytes = id.bytes();
        List<String> forms = new ArrayList<>(List.of(id.toString(), id.hex(),
                Base64.getEncoder().encodeToString(bytes), Base64.getUrlEncoder().withoutPadding().encodeToString(bytes)));
        for (String whole : List.of(id.hex(), id.toString().substring(1))) {
            for (int i = 0; i + 8 <= whole.length(); i++) forms.add(whole.substring(i, i + 8));
        }
        return forms;
    }

    /** Every daemon's log so far, for failure messages. */
    private static String logs() {
        return List.of(alice, bob, carol, stranger).stream()
                .map(p -> "\n--- " + p + " (" + p.host.address() + ", " + p.id + ")\n" + p.daemon)
                .collect(Collectors.joining());
    }

    private static <T> List<T> parallel(List<Callable<T>> tasks) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
        try {
            List<T> results = new ArrayList<>();
            for (Future<T> f : pool.invokeAll(tasks)) results.add(f.get());
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
