package org.grapevine.cli.command;

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

@Command(name = "whoami", description = "Show your id and the name you declared.")
public final class WhoamiCommand implements Callable<Integer> {
    @Mixin HomeOption home;
    @Mixin JsonOption json;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        try (Session s = home.open()) {
            ApiResponse.Me me = s.ask(new ApiRequest.Whoami(), ApiResponse.Me.class);
            var out = spec.commandLine().getOut();
            if (json.on()) {
                var o = Render.JSON.createObjectNode().put("id", me.id());
                if (me.name() != null) o.put("name", me.name()).put("about", me.about());
                o.put("entries", me.entries()).put("home", home.dir().toString());
                out.println(Render.print(o));
            } else {
                out.println(me.id());
                if (me.name() != null) out.println("name: " + me.name() + (me.about().isEmpty() ? "" : "\nabout: " + me.about()));
                out.println("entries: " + me.entries());
            }
        }
        return ExitCodes.OK;
    }
}
