package org.grapevine.cli.command;

import java.util.List;
import java.util.concurrent.Callable;
import org.grapevine.cli.ExitCodes;
import org.grapevine.cli.Render;
import org.grapevine.cli.Session;
import org.grapevine.identity.EntryId;
import org.grapevine.identity.log.Entry;
import org.grapevine.node.api.ApiRequest;
import org.grapevine.node.api.ApiResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "thread", description = "Show a post and the replies to it.")
public final class ThreadCommand implements Callable<Integer> {
    @Mixin HomeOption home;
    @Mixin JsonOption json;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "ENTRY_ID", description = "Any post of the thread (a whole id or a unique prefix).")
    String entry;

    @Override
    public Integer call() {
        try (Session s = home.open()) {
            ApiResponse.ThreadView view = s.ask(new ApiRequest.Thread(entry), ApiResponse.ThreadView.class);
            EntryId root = EntryId.parse(view.root());
            List<Entry> entries = Render.entries(view.thread());
            Render render = Render.of(view.thread(), s.self());
            var out = spec.commandLine().getOut();
            if (json.on()) {
                out.println(Render.print(render.json(entries)));
            } else {
                if (!entries.get(0).id().equals(root)) out.println("(the first post of this thread is not here yet: " + root + ")\n");
                for (Entry e : entries) {
                    boolean isRoot = e.id().equals(root);
                    out.println(render.block(e, isRoot ? "" : "    "));
                }
                if (view.thread().more()) out.println("(" + entries.size() + " entries shown: the rest did not fit in one answer)");
            }
        }
        return ExitCodes.OK;
    }
}
