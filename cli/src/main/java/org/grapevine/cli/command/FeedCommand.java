package org.grapevine.cli.command;

import java.util.List;
import java.util.concurrent.Callable;
import org.grapevine.cli.ExitCodes;
import org.grapevine.cli.Render;
import org.grapevine.cli.Session;
import org.grapevine.cli.UserError;
import org.grapevine.identity.log.Entry;
import org.grapevine.node.api.ApiRequest;
import org.grapevine.node.api.ApiResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "feed", description = "Show the newest posts of the people you follow, and yours.")
public final class FeedCommand implements Callable<Integer> {
    @Mixin HomeOption home;
    @Mixin JsonOption json;
    @Spec CommandSpec spec;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "20", description = "How many entries (default ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--all", description = "Show every kind of entry (follows, profile changes, deleted posts...), not only posts.")
    boolean all;

    @Override
    public Integer call() {
        if (limit < 1 || limit > 10_000) throw new UserError(ExitCodes.USAGE, "--limit must be between 1 and 10000, not " + limit);
        try (Session s = home.open()) {
            ApiResponse.Entries view = s.ask(new ApiRequest.Feed(limit, all), ApiResponse.Entries.class);
            List<Entry> entries = Render.entries(view);
            Render render = Render.of(view, s.self());
            var out = spec.commandLine().getOut();
            if (view.more()) {
                spec.commandLine().getErr().println("grapevine: showing the newest " + entries.size() + " entries, all that fit in one answer");
            }
            if (json.on()) {
                out.println(Render.print(render.json(entries)));
            } else if (entries.isEmpty()) {
                out.println("Nothing here yet: 'grapevine post TEXT' to say something, 'grapevine follow ID' to follow someone.");
            } else {
                for (Entry e : entries) out.println(render.block(e, ""));
            }
        }
        return ExitCodes.OK;
    }
}
