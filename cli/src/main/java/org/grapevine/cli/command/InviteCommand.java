package org.grapevine.cli.command;

import java.util.concurrent.Callable;
import org.grapevine.cli.ExitCodes;
import org.grapevine.cli.Render;
import org.grapevine.cli.Session;
import org.grapevine.cli.UserError;
import org.grapevine.gossip.discovery.PeerAddress;
import org.grapevine.gossip.transport.NetworkKey;
import org.grapevine.identity.IdText;
import org.grapevine.identity.content.Content;
import org.grapevine.node.LanAddress;
import org.grapevine.node.api.ApiRequest;
import org.grapevine.node.api.ApiResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "invite", description = {
        "Print a one-line code with which someone can reach and follow you:",
        "they run 'grapevine invite accept CODE'."},
        subcommands = InviteCommand.Accept.class)
public final class InviteCommand implements Callable<Integer> {
    /** Invite codes read {@code grapevine:HOST:PORT@ID/NETWORK}. */
    static final String PREFIX = "grapevine:";

    @Mixin HomeOption home;
    @Mixin JsonOption json;
    @Spec CommandSpec spec;

    @Option(names = "--address", paramLabel = "HOST", description = "The address others reach you at (default: this machine's first LAN address).")
    String address;

    @Override
    public Integer call() {
        try (Session s = home.open()) {
            if (address != null) {
                try {
                    PeerAddress.checkHost(address);
                } catch (IllegalArgumentException e) {
                    throw new UserError(ExitCodes.USAGE, "--address: " + e.getMessage() + " (give a host name or an IP address, without a port)");
                }
            }
            ApiResponse.Reachable at = s.ask(new ApiRequest.Invite(), ApiResponse.Reachable.class);
            String host = address != null ? address : at.anyInterface() ? LanAddress.first() : at.host();
            String code = PREFIX + new PeerAddress(host, at.port(), s.self()) + "/" + at.network();
            var out = spec.commandLine().getOut();
            if (json.on()) {
                out.println(Render.print(Render.JSON.createObjectNode().put("code", code).put("id", s.self().toString())
                        .put("address", host + ":" + at.port()).put("network", at.network())));
            } else {
                out.println(code);
            }
        }
        return ExitCodes.OK;
    }

    /** A parsed invite code. */
    record Code(PeerAddress address, String network) {
        static Code parse(String text) {
            String s = IdText.trim(text);
            if (!s.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) throw new UserError(ExitCodes.USAGE, "an invite code starts with '" + PREFIX + "'");
            s = s.substring(PREFIX.length());
            int slash = s.lastIndexOf('/');
            if (slash < 0 || slash == s.length() - 1) throw new UserError(ExitCodes.USAGE, "the invite code names no network");
            PeerAddress address;
            try {
                address = PeerAddress.parse(s.substring(0, slash));
            } catch (IllegalArgumentException e) {
                throw new UserError(ExitCodes.USAGE, "bad invite code: " + e.getMessage());
            }
            if (address.expected() == null) throw new UserError(ExitCodes.USAGE, "the invite code names no id");
            String network = s.substring(slash + 1);
            try {
                NetworkKey.named(network);
            } catch (IllegalArgumentException e) {
                throw new UserError(ExitCodes.USAGE, "bad invite code: " + e.getMessage());
            }
            return new Code(address, network);
        }
    }

    @Command(name = "accept", description = "Add the inviting peer and follow them.")
    static final class Accept implements Callable<Integer> {
        @Mixin HomeOption home;
        @Mixin JsonOption json;
        @Spec CommandSpec spec;

        @Parameters(paramLabel = "CODE", description = "The code printed by 'grapevine invite'.")
        String code;

        @Override
        public Integer call() throws Exception {
            Code invite = Code.parse(code);
            try (Session s = home.open()) {
                if (invite.address().expected().equals(s.self())) throw new UserError("that is your own invite");
                boolean running = s.ask(new ApiRequest.AddPeer(invite.address().toString(), invite.network()), ApiResponse.PeerAdded.class).running();
                var who = invite.address().expected();
                boolean followed = !s.ask(new ApiRequest.Person(who.toString()), ApiResponse.PersonView.class).follows();
                if (followed) s.publish(new Content.Follow(who, true));
                var out = spec.commandLine().getOut();
                if (json.on()) {
                    out.println(Render.print(Render.JSON.createObjectNode().put("id", who.toString())
                            .put("address", invite.address().endpoint()).put("network", invite.network()).put("followed", followed)));
                } else {
                    out.println("added " + invite.address().endpoint() + " and " + (followed ? "followed " : "already follow ") + who);
                    if (!running) out.println("start 'grapevine daemon" + (invite.network().equals("main") ? "" : " --network " + invite.network()) + "' to connect");
                }
            }
            return ExitCodes.OK;
        }
    }
}
