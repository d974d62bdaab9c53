package org.grapevine.cli.command;

import java.util.List;
import java.util.concurrent.Callable;
import org.grapevine.cli.ExitCodes;
import org.grapevine.cli.Render;
import org.grapevine.cli.Session;
import org.grapevine.gossip.replication.Replicator;
import org.grapevine.node.replication.Interest;
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
            boolean running = s.node().isPresent();
            List<Replicator.FeedSync> feeds;
            if (running) {
                feeds = s.node().get().sync().get();
            } else {
                feeds = Interest.feeds(s.store().indexes(), s.self(), Interest.DEFAULT_HOPS).stream()
                        .map(f -> {
                            long seq = s.store().headSeq(f);
                            return new Replicator.FeedSync(f, seq, seq, false);
                        }).toList();
            }
            Render render = new Render(s.store().indexes(), s.self());
            var out = spec.commandLine().getOut();
            if (json.on()) {
                var array = Render.JSON.createArrayNode();
                for (Replicator.FeedSync f : feeds) {
                    array.addObject().put("feed", f.feed().toString()).put("name", render.who(f.feed()))
                            .put("local_seq", f.local()).put("best_seen", f.bestSeen())
                            .put("caught_up", running && f.caughtUp())
                            .put("following", s.store().indexes().follows(s.self(), f.feed()));
                }
                out.println(Render.print(array));
                return ExitCodes.OK;
            }
            if (!running) out.println("(no daemon running: local sequence numbers only)");
            for (Replicator.FeedSync f : feeds) {
                String state = !running ? "" : f.caughtUp() ? "caught up" : "behind by " + (f.bestSeen() - f.local());
                out.println(String.format("%-30s %8d / %-8d %s", render.who(f.feed()), f.local(), f.bestSeen(), state));
            }
        }
        return ExitCodes.OK;
    }
}
