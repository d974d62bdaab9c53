package org.grapevine.cli.command;

import java.util.List;
import java.util.concurrent.Callable;
import org.grapevine.cli.ExitCodes;
import org.grapevine.cli.Render;
import org.grapevine.cli.Session;
import org.grapevine.identity.AuthorId;
import org.grapevine.node.api.ApiResponse;
import org.grapevine.node.api.ApiRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "peers", description = "List connected and known peers: direction, address, id, last seen.")
public final class PeersCommand implements Callable<Integer> {
    @Mixin HomeOption home;
    @Mixin JsonOption json;
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        try (Session s = home.open()) {
            ApiResponse.PeerList list = s.ask(new ApiRequest.Peers(), ApiResponse.PeerList.class);
            boolean running = list.running();
            List<ApiResponse.Peer> peers = list.peers();
            Render render = new Render(list.names(), s.self());
            var out = spec.commandLine().getOut();
            if (json.on()) {
                var array = Render.JSON.createArrayNode();
                for (ApiResponse.Peer p : peers) {
                    var o = array.addObject().put("address", p.address()).put("connected", p.connected())
                            .put("direction", p.connected() ? (p.outbound() ? "outbound" : "inbound") : "")
                            .put("last_seen", p.lastSeen()).put("source", p.source());
                    if (p.id() != null) o.put("id", p.id()).put("name", render.who(AuthorId.parse(p.id())));
                    else o.putNull("id");
                }
                out.println(Render.print(array));
                return ExitCodes.OK;
            }
            if (!running) out.println("(no daemon running: these are the peers remembered from earlier runs)");
            if (peers.isEmpty()) out.println("no peers known yet: 'grapevine daemon --peer HOST:PORT' or 'grapevine invite accept CODE'");
            for (ApiResponse.Peer p : peers) {
                String state = p.connected() ? (p.outbound() ? "out " : "in  ") : "    ";
                String seen = p.connected() ? "connected" : p.lastSeen() == 0 ? "never reached" : "seen " + Render.time(p.lastSeen());
                out.println(state + " " + String.format("%-22s", p.address()) + "  "
                        + (p.id() == null ? "(id unknown)" : render.who(AuthorId.parse(p.id())) + "  " + p.id()) + "  " + seen);
            }
        }
        return ExitCodes.OK;
    }
}
