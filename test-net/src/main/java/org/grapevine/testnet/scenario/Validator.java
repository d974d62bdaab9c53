package org.grapevine.testnet.scenario;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a script as a whole: {@code nodes} first and once, set-up before actions, every node
 * in range, the faults in an order that can run (no restart of a node that is up, no heal
 * without a partition, no fixed node acting while certainly down), and channel steps by members
 * who may take them (no post by a removed member, no removal by a plain member). A direct
 * message needs its sender up, not its recipient.
 */
final class Validator {
    /** What a script says about a node at some point; after {@code kill random K} it cannot say. */
    private enum Life { UP, DOWN, MAYBE_DOWN }

    private final List<Problem> problems = new ArrayList<>();
    private final Map<Class<?>, Step> setup = new HashMap<>();
    private int nodes = -1;
    private Step firstAction;
    // Fault state, followed only while every line so far has parsed: a step lost to a syntax
    // error (a misspelt kill, say) would make every later fault message misleading.
    private Life[] life;
    private int[] changedOn;
    private Step.Partition partition;
    private Step.Heal healed;
    /** The channels created so far, by name. */
    private final java.util.Set<String> channels = new java.util.HashSet<>();
    /** Who is in each channel, followed with the faults. */
    private final Map<String, ChannelRoster> rosters = new HashMap<>();

    /** A problem on a line: {@link ScenarioParser} adds the source name. */
    record Problem(int line, String message) {}

    /**
     * @param steps the steps that parsed, in order
     * @param firstBrokenLine the first line that did not parse, or {@link Integer#MAX_VALUE}
     */
    static List<Problem> check(List<Step> steps, int firstBrokenLine) {
        Validator v = new Validator();
        v.run(steps, firstBrokenLine);
        return v.problems;
    }

    private void run(List<Step> steps, int firstBrokenLine) {
        Step.Nodes declared = steps.stream().filter(Step.Nodes.class::isInstance).map(Step.Nodes.class::cast).findFirst().orElse(null);
        if (declared == null) {
            if (firstBrokenLine == Integer.MAX_VALUE) {
                int line = steps.isEmpty() ? 1 : steps.get(0).line();
                problem(line, steps.isEmpty() ? "the scenario is empty; it starts with 'nodes N' (e.g. nodes 10)"
                        : "the scenario must start with 'nodes N' (e.g. nodes 10)");
            }
        } else {
            nodes = declared.count();
            life = new Life[nodes];
            Arrays.fill(life, Life.UP);
            changedOn = new int[nodes];
            if (steps.get(0) != declared) problem(declared.line(), "nodes must be the first step");
        }
        for (Step step : steps) {
            order(step);
            ranges(step);
            if (life != null && step.line() < firstBrokenLine) faults(step);
        }
    }

    /** {@code nodes} once; {@code hops}, {@code seed}, {@code topology} at most once each and before any action. */
    private void order(Step step) {
        if (!Scenario.isSetup(step)) {
            if (firstAction == null) firstAction = step;
            return;
        }
        String name = step.syntax().split(" ")[0];
        Step earlier = setup.putIfAbsent(step.getClass(), step);
        if (earlier == null && step instanceof Step.Nodes) return; // its place is checked in run()
        if (earlier != null) {
            problem(step, name + " is given twice (first on line " + earlier.line() + ")");
        } else if (firstAction != null) {
            problem(step, name + " must come before the first action ('" + firstAction.syntax() + "' on line " + firstAction.line() + ")");
        }
    }

    /** Every node number below {@code nodes}, every random count within it. */
    private void ranges(Step step) {
        if (nodes < 0) return;
        if (step instanceof Step.Topology s && s.kind() == Step.Topology.Kind.RANDOM && s.degree() > nodes - 1) {
            problem(step, "topology random " + s.degree() + " is more than the " + (nodes - 1) + " others each node can know ("
                    + plural(nodes) + ")");
        } else if (step instanceof Step.Link s) {
            set(step, s.nodes());
        } else if (step instanceof Step.Follow s) {
            set(step, s.from());
            set(step, s.to());
            if (s.from() instanceof NodeSet.Fixed from && s.to() instanceof NodeSet.Fixed to
                    && from.members().size() == 1 && from.members().equals(to.members())) {
                problem(step, "node " + from.members().get(0) + " cannot follow itself");
            }
        } else if (step instanceof Step.FollowRandom s) {
            set(step, s.from());
            if (s.count() > nodes - 1) {
                problem(step, "follow random " + s.count() + " is more than the " + (nodes - 1) + " others a node can follow ("
                        + plural(nodes) + ")");
            }
        } else if (step instanceof Step.Post s) {
            set(step, s.who());
        } else if (step instanceof Step.Attach s) {
            node(step, s.node());
        } else if (step instanceof Step.ChannelCreate s) {
            node(step, s.node());
            if (!channels.add(s.name())) problem(step, "the channel " + s.name() + " is created twice");
        } else if (step instanceof Step.ChannelInvite s) {
            node(step, s.node());
            set(step, s.to());
            created(step, s.name());
        } else if (step instanceof Step.ChannelPost s) {
            node(step, s.node());
            created(step, s.name());
        } else if (step instanceof Step.ChannelAdmin s) {
            node(step, Math.max(s.node(), s.member()));
            created(step, s.name());
        } else if (step instanceof Step.ChannelRemove s) {
            node(step, Math.max(s.node(), s.member()));
            created(step, s.name());
        } else if (step instanceof Step.ChannelBundle s) {
            node(step, Math.max(s.node(), s.guest()));
            created(step, s.name());
        } else if (step instanceof Step.Dm s) {
            node(step, Math.max(s.from(), s.to()));
        } else if (step instanceof Step.DmRandom s && s.count() > Step.DmRandom.pairs(nodes)) {
            problem(step, "dm random " + s.count() + " asks for more conversations than " + plural(nodes) + " can have ("
                    + Step.DmRandom.pairs(nodes) + " pairs)");
        } else if (step instanceof Step.Kill s) {
            set(step, s.nodes());
        } else if (step instanceof Step.Restart s) {
            set(step, s.nodes());
        } else if (step instanceof Step.Partition s) {
            s.sides().forEach(side -> set(step, side));
        } else if (step instanceof Step.Feeds s) {
            set(step, s.who());
        } else if (step instanceof Step.Name s) {
            node(step, s.node());
        }
    }

    private void created(Step step, String channel) {
        if (!channels.contains(channel)) problem(step, "no channel " + channel + " was created before this line");
    }

    private void set(Step step, NodeSet set) {
        if (set instanceof NodeSet.Fixed f) {
            node(step, f.highest());
        } else if (set instanceof NodeSet.Random r && r.count() > nodes) {
            problem(step, "random " + r.count() + " asks for more nodes than the scenario has (" + nodes + ")");
        }
    }

    private void node(Step step, int node) {
        if (node >= nodes) problem(step, "node " + node + " is out of range (the scenario has " + plural(nodes) + ")");
    }

    /** Kills, restarts, partitions and heals in an order that can run; acting nodes up. */
    private void faults(Step step) {
        if (step instanceof Step.Kill s) {
            kill(s);
        } else if (step instanceof Step.Restart s) {
            restart(s);
        } else if (step instanceof Step.Partition s) {
            if (partition != null && healed == null) {
                problem(step, "a partition is already in force (line " + partition.line() + "); heal it first");
            }
            partition = s;
            healed = null;
        } else if (step instanceof Step.Heal s) {
            if (partition == null) {
                problem(step, "heal without an earlier partition");
            } else if (healed != null) {
                problem(step, "no partition to heal (the one on line " + partition.line() + " was healed on line " + healed.line() + ")");
            }
            healed = s;
        } else if (step instanceof Step.Follow s) {
            acting(step, s.from(), "follow");
        } else if (step instanceof Step.FollowRandom s) {
            acting(step, s.from(), "follow");
        } else if (step instanceof Step.Post s) {
            acting(step, s.who(), "post");
        } else if (step instanceof Step.Attach s) {
            acting(step, NodeSet.of(s.node()), "attach");
        } else if (step instanceof Step.ChannelCreate s) {
            acting(step, NodeSet.of(s.node()), "create a channel");
            if (s.node() < nodes) rosters.putIfAbsent(s.name(), new ChannelRoster(s.name(), s.node(), s.line()));
        } else if (isChannelStep(step)) {
            channelStep(step);
        } else if (step instanceof Step.Dm s) {
            // The recipient may well be down: its message waits at the sender until it is back.
            acting(step, NodeSet.of(s.from()), "send a message");
        } else if (step instanceof Step.DmRandom s) {
            acting(step, NodeSet.ALL, "send a message");
        } else if (step instanceof Step.Name s) {
            acting(step, NodeSet.of(s.node()), "declare a name");
        } else if (step instanceof Step.Feeds s) {
            acting(step, s.who(), "show its feed");
        }
    }

    private static boolean isChannelStep(Step step) {
        return step instanceof Step.ChannelInvite || step instanceof Step.ChannelPost || step instanceof Step.ChannelAdmin
                || step instanceof Step.ChannelRemove || step instanceof Step.ChannelBundle;
    }

    /** A channel step's node up, and a member who may take it; at most one problem a line. */
    private void channelStep(Step step) {
        if (step instanceof Step.ChannelInvite s) {
            ChannelRoster r = roster(s.name(), s.node());
            if (r != null && acting(step, NodeSet.of(s.node()), "invite") && !said(step, r.notMember(s.node(), "invite to it"))) invite(s, r);
        } else if (step instanceof Step.ChannelPost s) {
            ChannelRoster r = roster(s.name(), s.node());
            if (r != null && acting(step, NodeSet.of(s.node()), "post into a channel")) said(step, r.notMember(s.node(), "post into it"));
        } else if (step instanceof Step.ChannelAdmin s) {
            ChannelRoster r = roster(s.name(), Math.max(s.node(), s.member()));
            if (r != null && acting(step, NodeSet.of(s.node()), "name an admin")
                    && !said(step, r.notModerator(s.node(), "name admins")) && !said(step, r.cannotBeAdmin(s.member()))) {
                r.admin(s.member(), s.line());
            }
        } else if (step instanceof Step.ChannelRemove s) {
            ChannelRoster r = roster(s.name(), Math.max(s.node(), s.member()));
            if (r != null && acting(step, NodeSet.of(s.node()), "remove a member")
                    && !said(step, r.notModerator(s.node(), "remove members")) && !said(step, r.cannotBeRemoved(s.node(), s.member()))) {
                r.remove(s.member(), s.line());
            }
        } else if (step instanceof Step.ChannelBundle s) {
            ChannelRoster r = roster(s.name(), Math.max(s.node(), s.guest()));
            if (r == null || !acting(step, NodeSet.of(s.node()), "invite") || said(step, r.notMember(s.node(), "invite to it"))) return;
            if (s.guest() == s.node()) {
                problem(step, "node " + s.node() + " cannot invite itself");
            } else if (life[s.guest()] == Life.DOWN) {
                problem(step, "node " + s.guest() + " is down (killed on line " + changedOn[s.guest()] + ") and cannot join");
            } else if (!said(step, r.cannotJoin(s.guest()))) {
                r.join(s.guest(), s.line());
            }
        }
    }

    /** The roster of a channel created earlier, or null when there is none or {@code highest} is out of range (told elsewhere). */
    private ChannelRoster roster(String channel, int highest) {
        return highest < nodes ? rosters.get(channel) : null;
    }

    /** Adds {@code problem} unless it is null; whether it was added. */
    private boolean said(Step step, String problem) {
        if (problem == null) return false;
        problem(step, problem);
        return true;
    }

    /** The guests that are up join; a guest that may be down leaves the roster unknown, as does a random draw. */
    private void invite(Step.ChannelInvite step, ChannelRoster r) {
        if (step.to() instanceof NodeSet.Random) {
            r.unknown();
            return;
        }
        // As the runner does: the inviter, and with 'all' those already in or removed, are left out.
        boolean all = step.to() instanceof NodeSet.All;
        List<Integer> guests = new ArrayList<>();
        for (int n : members(step.to())) {
            if (n == step.node()) continue;
            String no = r.cannotJoin(n);
            if (no != null && !all) {
                problem(step, no);
                return;
            }
            if (no == null) guests.add(n);
        }
        for (int n : guests) {
            if (life[n] == Life.MAYBE_DOWN) r.unknown();
            if (life[n] != Life.DOWN) r.join(n, step.line());
        }
    }

    private void kill(Step.Kill step) {
        if (step.nodes() instanceof NodeSet.Random r) {
            int up = count(Life.UP) + count(Life.MAYBE_DOWN);
            if (r.count() > up && r.count() <= nodes) problem(step, "kill " + r + " asks for more nodes than can be up here (" + up + ")");
            for (int n = 0; n < nodes; n++) {
                if (life[n] != Life.DOWN) set(n, Life.MAYBE_DOWN, step);
            }
            return;
        }
        if (step.nodes() instanceof NodeSet.All && count(Life.DOWN) == nodes) {
            problem(step, "every node is already down");
            return;
        }
        List<Integer> members = members(step.nodes());
        for (int n : members) {
            if (life[n] == Life.DOWN && !(step.nodes() instanceof NodeSet.All)) {
                problem(step, "node " + n + " is already down (killed on line " + changedOn[n] + ")");
                break;
            }
        }
        for (int n : members) {
            if (life[n] != Life.DOWN) set(n, Life.DOWN, step);
        }
    }

    private void restart(Step.Restart step) {
        if (step.nodes() instanceof NodeSet.All) {
            if (count(Life.UP) == nodes) problem(step, "no node is down here to restart");
        } else {
            for (int n : members(step.nodes())) {
                if (life[n] == Life.UP) {
                    problem(step, "node " + n + (changedOn[n] == 0 ? " was never killed"
                            : " is already up (restarted on line " + changedOn[n] + ")"));
                    break;
                }
            }
        }
        for (int n : members(step.nodes())) {
            if (life[n] != Life.UP) set(n, Life.UP, step);
        }
    }

    /** Fixed nodes certainly down cannot act; {@code all} and {@code random} need enough nodes up. Whether no problem was found. */
    private boolean acting(Step step, NodeSet set, String action) {
        int up = count(Life.UP) + count(Life.MAYBE_DOWN);
        if (set instanceof NodeSet.Fixed fixed) {
            for (int n : fixed.members()) {
                if (n < nodes && life[n] == Life.DOWN) {
                    problem(step, "node " + n + " is down (killed on line " + changedOn[n] + ") and cannot " + action);
                    return false;
                }
            }
        } else if (up == 0) {
            problem(step, "every node is down here; none can " + action);
            return false;
        } else if (set instanceof NodeSet.Random r && r.count() > up && r.count() <= nodes) {
            problem(step, r + " asks for more nodes than can be up here (" + up + ")");
            return false;
        }
        return true;
    }

    private List<Integer> members(NodeSet set) {
        if (set instanceof NodeSet.Fixed f && f.highest() >= nodes) return List.of(); // reported by ranges()
        return set.resolve(nodes, null);
    }

    private void set(int node, Life state, Step step) {
        life[node] = state;
        changedOn[node] = step.line();
    }

    private int count(Life state) {
        int n = 0;
        for (Life l : life) {
            if (l == state) n++;
        }
        return n;
    }

    private static String plural(int nodes) {
        return nodes == 1 ? "1 node" : nodes + " nodes";
    }

    private void problem(Step step, String message) {
        problem(step.line(), message);
    }

    private void problem(int line, String message) {
        problems.add(new Problem(line, message));
    }
}
