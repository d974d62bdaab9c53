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

@Command(name = "sync", description = "Show, per replicated feed, what you hold, the most a peer holds, and whether you are caught up.")
public final class SyncCommand implements Callable<Integer> {
    @Mixin HomeOption home;
    @Mixin JsonOption json;
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        try (Session s = home.open()) {
            ApiResponse.SyncList list = s.ask(new ApiRequest.Sync(), ApiResponse.SyncList.class);
            boolean running = list.running();
            List<ApiResponse.Feed> feeds = list.feeds();
            Render render = new Render(list.names(), s.self());
            var out = spec.commandLine().getOut();
            if (json.on()) {
                var array = Render.JSON.createArrayNode();
                for (ApiResponse.Feed f : feeds) {
                    array.addObject().put("feed", f.feed()).put("name", render.who(AuthorId.parse(f.feed())))
                            .put("local_seq", f.local()).put("best_seen", f.bestSeen())
                            .put("caught_up", running && f.caughtUp())
                            .put("following", f.following());
                }
                out.println(Render.print(array));
                return ExitCodes.OK;
            }
            if (!running) out.println("(no daemon running: local sequence numbers only)");
            for (ApiResponse.Feed f : feeds) {
                String state = !running ? "" : f.caughtUp() ? "caught up" : "behind by " + (f.bestSeen() - f.local());
                out.println(String.format("%-30s %8d / %-8d %s", render.who(AuthorId.parse(f.feed())), f.local(), f.bestSeen(), state));
            }
        }
        return ExitCodes.OK;
    }
}
