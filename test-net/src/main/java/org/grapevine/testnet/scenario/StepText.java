package org.grapevine.testnet.scenario;

import java.util.Locale;
import java.util.stream.Collectors;

/** Writes a step back in the scenario language, in the normal form the parser reads back to an equal step. */
final class StepText {
    private StepText() {}

    static String format(Step step) {
        if (step instanceof Step.Nodes s) return "nodes " + s.count();
        if (step instanceof Step.Hops s) return "hops " + s.hops();
        if (step instanceof Step.Seed s) return "seed " + s.seed();
        if (step instanceof Step.Topology s) {
            return "topology " + lower(s.kind()) + (s.kind() == Step.Topology.Kind.RANDOM ? " " + s.degree() : "");
        }
        if (step instanceof Step.Link s) {
            return "link " + (s.nodes() instanceof NodeSet.All ? "" : s.nodes() + " ") + "latency " + Values.duration(s.latency())
                    + " jitter " + Values.duration(s.jitter()) + " loss " + Values.percent(s.loss());
        }
        if (step instanceof Step.Follow s) return "follow " + s.from() + " -> " + s.to();
        if (step instanceof Step.FollowRandom s) {
            return "follow " + (s.from() instanceof NodeSet.All ? "" : s.from() + " ") + "random " + s.count();
        }
        if (step instanceof Step.Post s) {
            return "post " + s.who() + (s.count() != 1 || s.text() == null ? " " + s.count() : "") + optional(s.text());
        }
        if (step instanceof Step.Attach s) return "attach " + s.node() + " " + Values.size(s.bytes()) + optional(s.name());
        if (step instanceof Step.ChannelCreate s) return "channel create " + s.node() + " " + s.name();
        if (step instanceof Step.ChannelInvite s) return "channel invite " + s.node() + " " + s.name() + " -> " + s.to();
        if (step instanceof Step.ChannelPost s) {
            return s.bytes() < 0 ? "channel post " + s.node() + " " + s.name() + optional(s.text())
                    : "channel attach " + s.node() + " " + s.name() + " " + Values.size(s.bytes()) + optional(s.file());
        }
        if (step instanceof Step.ChannelAdmin s) return "channel admin " + s.node() + " " + s.name() + " " + s.member();
        if (step instanceof Step.ChannelRemove s) return "channel remove " + s.node() + " " + s.name() + " " + s.member();
        if (step instanceof Step.ChannelBundle s) return "channel bundle " + s.node() + " " + s.name() + " -> " + s.guest();
        if (step instanceof Step.Dm s) return "dm " + s.from() + " " + s.to() + optional(s.text());
        if (step instanceof Step.DmRandom s) return "dm random " + s.count() + optional(s.text());
        if (step instanceof Step.Await s) return "await " + lower(s.what()) + " within " + Values.duration(s.within());
        if (step instanceof Step.Wait s) return "wait " + Values.duration(s.duration());
        if (step instanceof Step.Kill s) return "kill " + s.nodes();
        if (step instanceof Step.Restart s) return "restart " + s.nodes();
        if (step instanceof Step.Partition s) {
            return "partition " + s.sides().stream().map(NodeSet::toString).collect(Collectors.joining(" | "));
        }
        if (step instanceof Step.Heal) return "heal";
        if (step instanceof Step.Report s) return "report" + optional(s.label());
        if (step instanceof Step.Feeds s) return "feeds" + (s.who() instanceof NodeSet.All ? "" : " " + s.who());
        if (step instanceof Step.Say s) return "say " + Values.quote(s.text());
        if (step instanceof Step.Name s) return "name " + s.node() + " " + Values.quote(s.name());
        throw new IllegalArgumentException("unknown step " + step);
    }

    private static String optional(String text) {
        return text == null ? "" : " " + Values.quote(text);
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }
}
