package org.grapevine.testnet.scenario;

import java.util.HashMap;
import java.util.Map;

/**
 * What a script says about one channel's members as it goes, for {@link Validator}: its owner,
 * who joined, who was made an admin and who was removed, each with its line. Where the script
 * cannot say (an invite to random nodes, or to nodes that may be down) the roster stops judging.
 */
final class ChannelRoster {
    private final String name;
    private final int owner;
    /** Node → the line it joined on. */
    private final Map<Integer, Integer> members = new HashMap<>();
    /** Node → the line it was made an admin on. */
    private final Map<Integer, Integer> admins = new HashMap<>();
    /** Node → the line it was removed on. */
    private final Map<Integer, Integer> removed = new HashMap<>();
    private boolean known = true;

    ChannelRoster(String name, int owner, int line) {
        this.name = name;
        this.owner = owner;
        members.put(owner, line);
    }

    /** From here on the script cannot say who the members are: nothing more is judged. */
    void unknown() {
        known = false;
    }

    /** Why {@code node} cannot {@code action} as a member, or null when it can (or the roster cannot say). */
    String notMember(int node, String action) {
        if (!known || members.containsKey(node)) return null;
        Integer gone = removed.get(node);
        return gone != null ? "node " + node + " was removed from " + name + " on line " + gone + " and cannot " + action
                : "node " + node + " is not a member of " + name + " and cannot " + action;
    }

    /** Why {@code node} cannot {@code action} as the owner or an admin, or null when it can. */
    String notModerator(int node, String action) {
        String why = notMember(node, action);
        if (why != null || !known || node == owner || admins.containsKey(node)) return why;
        return "node " + node + " is neither the owner nor an admin of " + name + " and cannot " + action;
    }

    /** Why {@code node} cannot join, or null when it can. */
    String cannotJoin(int node) {
        if (!known) return null;
        Integer since = members.get(node);
        if (since != null) return "node " + node + " is a member of " + name + " already (since line " + since + ")";
        Integer gone = removed.get(node);
        return gone != null ? "node " + node + " was removed from " + name + " on line " + gone + " and cannot join it again" : null;
    }

    void join(int node, int line) {
        members.putIfAbsent(node, line);
    }

    /** Why {@code member} cannot be made an admin, or null when it can. */
    String cannotBeAdmin(int member) {
        if (!known) return null;
        if (member == owner) return "node " + member + " owns " + name + " and is always an admin";
        Integer since = admins.get(member);
        if (since != null) return "node " + member + " is an admin of " + name + " already (since line " + since + ")";
        return notMember(member, "be made an admin");
    }

    void admin(int member, int line) {
        admins.put(member, line);
    }

    /** Why {@code remover} cannot remove {@code member}, or null when it can. */
    String cannotBeRemoved(int remover, int member) {
        if (!known) return null;
        if (member == remover) return "node " + member + " cannot remove itself from " + name;
        if (member == owner) return "node " + member + " owns " + name + " and cannot be removed";
        Integer gone = removed.get(member);
        if (gone != null) return "node " + member + " was removed from " + name + " on line " + gone + " already";
        return members.containsKey(member) ? null : "node " + member + " is not a member of " + name;
    }

    void remove(int member, int line) {
        members.remove(member);
        admins.remove(member);
        removed.put(member, line);
    }
}
