package org.grapevine.testnet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.grapevine.identity.EntryId;
import org.grapevine.node.api.ApiResponse;
import org.grapevine.testnet.scenario.Step;

/**
 * The channels of a scenario run: who is in each and since when, who was removed and when, who
 * should hold each channel post, whether each removal has reached every remaining member, and
 * the report's lines on them (copies at the members, what reached anyone outside, what removed
 * members can still read, how long each re-key took).
 */
final class ChannelRun {
    /** How long a step waits for its node to know what it acts on: a member's introduction, its own role. */
    static final Duration KNOWN_WITHIN = Duration.ofSeconds(30);
    /** Names listed in a report line; beyond this many, a count. */
    private static final int NAMES_LISTED = 6;

    /** One channel: its members now, when each node joined, and its removals in order. */
    private static final class Channel {
        final String name;
        final Set<Integer> members = new TreeSet<>();
        /** Node → System.nanoTime of its joining (the owner: of the creation). */
        final Map<Integer, Long> joined = new HashMap<>();
        final List<Removal> removals = new ArrayList<>();

        Channel(String name) {
            this.name = name;
        }
    }

    /** One removal: its line, who removed whom, when it was asked for, and how long until every remaining member was on the new epoch (−1: not yet). */
    private static final class Removal {
        final int line;
        final int by;
        final int member;
        final long at;
        long settledMs = -1;

        Removal(int line, int by, int member, long at) {
            this.line = line;
            this.by = by;
            this.member = member;
            this.at = at;
        }
    }

    /**
     * What a report found: channel posts, copies wanted at live members and made, entries and
     * blobs held outside a post's channel (never members, and removed members for posts after
     * their removal), later posts removed members can read, and each removal's re-key time.
     */
    record Tally(int posts, long wanted, long delivered, long leakedEntries, long leakedBlobs, long removedReading, List<Long> rekeyMs) {
        static final Tally NONE = new Tally(0, 0, 0, 0, 0, 0, List.of());

        /** Everything that must be zero: anything of a channel readable or held outside it. */
        long leaks() {
            return leakedEntries + leakedBlobs + removedReading;
        }
    }

    private final Map<String, Channel> channels = new LinkedHashMap<>();
    private final List<TestNode> nodes;
    private final IntFunction<String> names;

    ChannelRun(List<TestNode> nodes, IntFunction<String> names) {
        this.nodes = nodes;
        this.names = names;
    }

    void created(String name, int owner) {
        Channel c = new Channel(name);
        c.members.add(owner);
        c.joined.put(owner, System.nanoTime());
        channels.put(name, c);
    }

    /** Whether {@code node} may join {@code name}: it is not in it, and was not removed from it. */
    boolean mayJoin(String name, int node) {
        Channel c = channels.get(name);
        return !c.joined.containsKey(node);
    }

    void joined(String name, Collection<Integer> guests) {
        Channel c = channels.get(name);
        long now = System.nanoTime();
        for (int g : guests) {
            c.members.add(g);
            c.joined.put(g, now);
        }
    }

    /** The members of {@code name} now. */
    Set<Integer> members(String name) {
        return Set.copyOf(channels.get(name).members);
    }

    boolean isMember(String name, int node) {
        return channels.get(name).members.contains(node);
    }

    /** Who should hold a channel post: the members when it was posted who still are, but its author. */
    Set<Integer> audience(Tracker.Post p) {
        Set<Integer> out = new HashSet<>(p.members);
        out.retainAll(channels.get(p.channel).members);
        out.remove(p.author);
        return out;
    }

    // ---- steps

    /** {@code channel admin}: once the node knows the member (and that it may name admins), it makes the member an admin. */
    void admin(Step.ChannelAdmin s, TestNode by) {
        knows(s.line(), by, s.name(), List.of(s.member()));
        ChannelSteps.admin(by.api(), s.name(), nodes.get(s.member()).id());
    }

    /**
     * {@code channel remove} steps on consecutive lines, made at once as two admins may: once each
     * remover knows every member (a re-key admits only those whose introduction it holds, so one
     * it has not met yet would be left out too) and that it may remove, every remover removes its
     * member at the same moment, each on a thread of its own, so that their re-keys cross.
     */
    void remove(List<Step.ChannelRemove> steps, List<TestNode> by) {
        for (int i = 0; i < steps.size(); i++) {
            Step.ChannelRemove s = steps.get(i);
            List<Integer> others = channels.get(s.name()).members.stream().filter(m -> m != s.node()).toList();
            knows(s.line(), by.get(i), s.name(), others);
        }
        long[] at = new long[steps.size()];
        ExecutorService pool = Executors.newFixedThreadPool(steps.size());
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < steps.size(); i++) {
                int k = i;
                Step.ChannelRemove s = steps.get(k);
                done.add(pool.submit(() -> {
                    at[k] = System.nanoTime();
                    ChannelSteps.remove(by.get(k).api(), s.name(), nodes.get(s.member()).id());
                }));
            }
            for (Future<?> f : done) f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ScenarioRunner.ScenarioFailure("interrupted");
        } finally {
            pool.shutdownNow();
        }
        for (int i = 0; i < steps.size(); i++) {
            Step.ChannelRemove s = steps.get(i);
            Channel c = channels.get(s.name());
            c.members.remove(s.member());
            c.removals.add(new Removal(s.line(), s.node(), s.member(), at[i]));
        }
    }

    /**
     * {@code channel bundle}: the host writes an invite folder for the guest into {@code dir},
     * and the guest joins with what the folder's start script reads from it (the code, and the
     * name it goes by); the names of the files written.
     */
    List<String> bundle(Step.ChannelBundle s, TestNode host, TestNode guest, Path dir, InviteFolders folders) {
        try {
            folders.write(dir, host.channelInvite(s.name()), names.apply(s.guest()));
            String code = Files.readString(dir.resolve(InviteFolders.CODE), StandardCharsets.UTF_8).strip();
            String as = Files.readString(dir.resolve(InviteFolders.NAME), StandardCharsets.UTF_8).strip();
            joined(s.name(), List.of(s.guest()));
            ChannelSteps.join(guest.api(), code, s.name(), as);
            try (Stream<Path> files = Files.list(dir)) {
                return files.map(f -> f.getFileName().toString()).sorted().toList();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("line " + s.line() + ": cannot write or read the invite folder " + dir, e);
        }
    }

    /**
     * Waits until node {@code by} knows each of {@code members} in the channel and that it is the
     * owner or an admin there, as a person would look at {@code grapevine channel members} first.
     */
    private void knows(int line, TestNode by, String name, List<Integer> members) {
        long deadline = System.nanoTime() + KNOWN_WITHIN.toNanos();
        while (true) {
            ApiResponse.ChannelMembers view = ChannelSteps.members(by.api(), name);
            Set<String> known = view.members().stream().map(ApiResponse.ChannelMember::member).collect(Collectors.toSet());
            List<Integer> missing = members.stream().filter(m -> !known.contains(nodes.get(m).id().toString())).toList();
            if (missing.isEmpty() && view.channel().admin()) return;
            if (System.nanoTime() > deadline) {
                String who = names.apply(by.index());
                throw new ScenarioRunner.ScenarioFailure("line " + line + ": after " + KNOWN_WITHIN.toSeconds() + " s " + who
                        + (missing.isEmpty() ? " still does not know it is an admin of " + name
                        : " still does not know " + list(missing) + " as members of " + name));
            }
            ScenarioRunner.pause(Duration.ofMillis(20));
        }
    }

    // ---- re-keys

    /**
     * Whether every removal so far has reached every remaining member that is up: each lists none
     * of the removed, and all agree on each one's persona, which is of the newest epoch (a member
     * writes from a new persona in each epoch, and introduces it once it reads the re-key). The
     * first time a channel's removals are seen to hold, their re-key times are taken.
     */
    boolean rekeysSettled() {
        boolean all = true;
        long now = System.nanoTime();
        for (Channel c : channels.values()) {
            if (c.removals.isEmpty()) continue;
            if (behind(c) != null) {
                all = false;
                continue;
            }
            for (Removal r : c.removals) {
                if (r.settledMs < 0) r.settledMs = TimeUnit.NANOSECONDS.toMillis(now - r.at);
            }
        }
        return all;
    }

    /** For an await not met: why the removals have not reached every remaining member, one line per channel. */
    List<String> unsettled() {
        List<String> out = new ArrayList<>();
        for (Channel c : channels.values()) {
            String why = c.removals.isEmpty() ? null : behind(c);
            if (why != null) out.add("removal from " + c.name + " not everywhere yet: " + why);
        }
        return out;
    }

    /** Null when every live remaining member of {@code c} is on its newest epoch; otherwise the first thing found amiss. */
    private String behind(Channel c) {
        Map<String, Integer> removed = new HashMap<>();
        for (Removal r : c.removals) removed.put(nodes.get(r.member).id().toString(), r.member);
        Map<Integer, Map<String, String>> views = new LinkedHashMap<>();
        for (int m : c.members) {
            TestNode n = nodes.get(m);
            if (!n.alive()) continue;
            Map<String, String> view = new HashMap<>();
            try {
                for (ApiResponse.ChannelMember x : ChannelSteps.members(n.api(), c.name).members()) {
                    if (x.member() == null) continue;
                    Integer gone = removed.get(x.member());
                    if (gone != null) return names.apply(m) + " still lists " + names.apply(gone);
                    view.put(x.member(), x.persona());
                }
            } catch (RuntimeException e) {
                return names.apply(m) + " did not answer: " + e.getMessage();
            }
            views.put(m, view);
        }
        for (Map.Entry<Integer, Map<String, String>> self : views.entrySet()) {
            String id = nodes.get(self.getKey()).id().toString();
            String own = self.getValue().get(id);
            if (own == null) return names.apply(self.getKey()) + " does not list itself in the new epoch yet";
            for (Map.Entry<Integer, Map<String, String>> other : views.entrySet()) {
                if (!own.equals(other.getValue().get(id))) {
                    return names.apply(other.getKey()) + " does not know " + names.apply(self.getKey()) + "'s persona of the new epoch yet";
                }
            }
        }
        return null;
    }

    // ---- report

    /** The channels' part of a report: the tally, and the lines to print. */
    record Told(Tally tally, List<String> lines) {}

    Told report(List<Tracker.Post> posts) {
        if (channels.isEmpty()) return new Told(Tally.NONE, List.of());
        rekeysSettled();
        List<String> lines = new ArrayList<>();
        int count = 0;
        long wanted = 0, delivered = 0, leakedEntries = 0, leakedBlobs = 0;
        for (Channel c : channels.values()) {
            int mine = 0;
            long entries = 0, blobs = 0;
            for (Tracker.Post p : posts) {
                if (!c.name.equals(p.channel)) continue;
                mine++;
                for (int n = 0; n < nodes.size(); n++) {
                    if (n == p.author) continue;
                    TestNode node = nodes.get(n);
                    boolean has = p.arrived.containsKey(n) || (node.alive() && node.holdsUnseen(p.id));
                    if (p.members.contains(n) && c.members.contains(n)) {
                        if (!node.alive()) continue;
                        wanted++;
                        if (has) delivered++;
                    } else if (outside(c, p, n)) {
                        if (has) entries++;
                        if (p.blob != null && node.alive() && node.hasBlob(p.blob)) blobs++;
                    }
                }
            }
            count += mine;
            leakedEntries += entries;
            leakedBlobs += blobs;
            lines.add(describe(c, mine, entries, blobs));
        }
        if (count > 0) {
            lines.add(String.format(Locale.ROOT, "channels: %d posts, %d of %d copies at live members (%.1f%%); reached non-members: %d entries, %d blobs",
                    count, delivered, wanted, wanted == 0 ? 100.0 : 100.0 * delivered / wanted, leakedEntries, leakedBlobs));
        }
        long reading = 0;
        List<Long> rekeys = new ArrayList<>();
        List<String> readers = new ArrayList<>();
        List<String> times = new ArrayList<>();
        for (Channel c : channels.values()) {
            for (Removal r : c.removals) {
                String who = names.apply(r.member);
                List<EntryId> later = posts.stream().filter(p -> c.name.equals(p.channel) && p.postedNanos > r.at).map(p -> p.id).toList();
                TestNode node = nodes.get(r.member);
                if (node.alive()) {
                    Set<EntryId> readable = ChannelSteps.readable(node.api(), c.name);
                    long n = later.stream().filter(readable::contains).count();
                    reading += n;
                    readers.add(who + ": " + n + " of " + later.size());
                } else {
                    readers.add(who + ": down, not asked");
                }
                rekeys.add(r.settledMs);
                times.add((r.settledMs < 0 ? "not yet" : r.settledMs + " ms") + " (line " + r.line + ": " + names.apply(r.by) + " removed "
                        + who + " from " + c.name + ")");
            }
        }
        if (!rekeys.isEmpty()) {
            lines.add("removed members reading later posts: " + reading + " (" + String.join("; ", readers) + ")");
            lines.add("re-key: remove → all remaining members on the new epoch: " + String.join(", ", times));
            lines.add("  (on the new epoch: each remaining member that is up lists none removed, and all agree on each one's new persona)");
        }
        return new Told(new Tally(count, wanted, delivered, leakedEntries, leakedBlobs, reading, List.copyOf(rekeys)), lines);
    }

    /**
     * Whether node {@code n} is outside the channel for post {@code p}: never a member, or removed
     * before the post. A member who joined after the post is not: it may well be given it.
     */
    private static boolean outside(Channel c, Tracker.Post p, int n) {
        if (p.members.contains(n)) return false;
        Long joined = c.joined.get(n);
        return joined == null || joined < p.postedNanos;
    }

    /** One channel in a few words: who is in it, who was removed, who never was, and what of it reached anyone outside. */
    private String describe(Channel c, int posts, long entries, long blobs) {
        List<Integer> never = new ArrayList<>();
        for (int n = 0; n < nodes.size(); n++) if (!c.joined.containsKey(n)) never.add(n);
        List<Integer> removed = c.removals.stream().map(r -> r.member).toList();
        return "channel " + c.name + ": members " + list(c.members) + (removed.isEmpty() ? "" : "; removed " + list(removed))
                + (never.isEmpty() ? "" : "; never in it " + list(never)) + ". Of its " + posts + " post" + (posts == 1 ? "" : "s")
                + ", " + entries + " entries and " + blobs + " blobs reached anyone outside it";
    }

    /** Names, or how many when they are many. */
    private String list(Collection<Integer> who) {
        if (who.size() > NAMES_LISTED) return who.size() + " nodes";
        return who.stream().map(names::apply).collect(Collectors.joining(", "));
    }
}
