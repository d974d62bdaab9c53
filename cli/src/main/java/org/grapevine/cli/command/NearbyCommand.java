package org.grapevine.cli.command;

import java.util.List;
import java.util.concurrent.Callable;
import org.grapevine.cli.ExitCodes;
import org.grapevine.cli.Render;
import org.grapevine.cli.Session;
import org.grapevine.cli.UserError;
import org.grapevine.node.api.ApiResponse;
import org.grapevine.node.api.ApiRequest;
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
            ApiResponse.NearbyList list = s.ask(new ApiRequest.Nearby(), ApiResponse.NearbyList.class);
            var out = spec.commandLine().getOut();
            if (json.on()) {
                var array = Render.JSON.createArrayNode();
                for (ApiResponse.Met n : list.met()) {
                    var o = array.addObject();
                    if (n.id() == null) {
                        o.putNull("id");
                    } else {
                        ApiResponse.Name name = list.names().get(n.id());
                        o.put("id", n.id());
                        if (name != null && name.declared() != null) o.put("declared_name", name.declared());
                        if (name != null && name.petname() != null) o.put("petname", name.petname());
                        o.put("followed", n.followed());
                    }
                    o.put("address", n.address()).put("first_seen", n.firstSeen()).put("last_seen", n.lastSeen())
                            .put("connected", n.connected());
                }
                out.println(Render.print(array));
                return ExitCodes.OK;
            }
            if (list.met().isEmpty()) out.println("nobody found on the LAN yet (is LAN discovery on? see 'grapevine daemon --help')");
            for (ApiResponse.Met n : list.met()) {
                if (n.id() == null) {
                    out.println(String.format("%-22s  (not connected yet)", n.address()));
                    continue;
                }
                ApiResponse.Name name = list.names().getOrDefault(n.id(), new ApiResponse.Name(null, null));
                String declared = name.declared() == null ? "" : "\"" + name.declared() + "\" (self-declared)";
                String pet = name.petname() == null ? "" : "known as " + name.petname();
                String followed = n.followed() ? "followed" : "not followed";
                out.println(String.format("%s  %-22s  %s  %s  %s  seen %s", n.id(), n.address(), declared, pet, followed,
                        Render.time(n.lastSeen())).replaceAll(" {3,}", "  "));
            }
        }
        return ExitCodes.OK;
    }
}
