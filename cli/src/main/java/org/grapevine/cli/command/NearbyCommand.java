package org.grapevine.cli.command;

import java.util.List;
import java.util.concurrent.Callable;
import org.grapevine.cli.ExitCodes;
import org.grapevine.cli.Render;
import org.grapevine.cli.Session;
import org.grapevine.cli.UserError;
import org.grapevine.node.Node;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "nearby", description = {
        "List the pseudonyms met on the local network since the daemon started.",
        "Follow one with 'grapevine follow @PREFIX' (a unique start of the id is enough)."})
public final class NearbyCommand implements Callable<Integer> {
    @Mixin HomeOption home;
    @Mixin JsonOption json;
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        try (Session s = home.open()) {
            Node node = s.node().orElseThrow(() -> new UserError(
                    "nearby lists whom the running daemon met on the LAN: start 'grapevine daemon' first"));
            List<Node.Nearby> met = node.nearby().get();
            var indexes = s.store().indexes();
            Render render = new Render(indexes, s.self());
            var out = spec.commandLine().getOut();
            if (json.on()) {
                var array = Render.JSON.createArrayNode();
                for (Node.Nearby n : met) {
                    var o = array.addObject();
                    if (n.id() == null) {
                        o.putNull("id");
                    } else {
                        o.put("id", n.id().toString());
                        indexes.about(n.id()).ifPresent(a -> o.put("declared_name", a.name()));
                        indexes.petname(n.id()).ifPresent(p -> o.put("petname", p));
                        o.put("followed", indexes.follows(s.self(), n.id()));
                    }
                    o.put("address", n.address()).put("first_seen", n.firstSeen()).put("last_seen", n.lastSeen())
                            .put("connected", n.connected());
                }
                out.println(Render.print(array));
                return ExitCodes.OK;
            }
            if (met.isEmpty()) out.println("nobody found on the LAN yet (is LAN discovery on? see 'grapevine daemon --help')");
            for (Node.Nearby n : met) {
                if (n.id() == null) {
                    out.println(String.format("%-22s  (not connected yet)", n.address()));
                    continue;
                }
                String declared = indexes.about(n.id()).map(a -> "\"" + a.name() + "\" (self-declared)").orElse("");
                String pet = indexes.petname(n.id()).map(p -> "known as " + p).orElse("");
                String followed = indexes.follows(s.self(), n.id()) ? "followed" : "not followed";
                out.println(String.format("%s  %-22s  %s  %s  %s  seen %s", n.id(), n.address(), declared, pet, followed,
                        Render.time(n.lastSeen())).replaceAll(" {3,}", "  "));
            }
        }
        return ExitCodes.OK;
    }
}
