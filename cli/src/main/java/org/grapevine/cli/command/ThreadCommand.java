package org.grapevine.cli.command;

import java.util.concurrent.Callable;
import org.grapevine.cli.ExitCodes;
import org.grapevine.cli.Render;
import org.grapevine.cli.Session;
import org.grapevine.cli.UserError;
import org.grapevine.identity.EntryId;
import org.grapevine.identity.content.Content;
import org.grapevine.identity.log.Entry;
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
            EntryId id = s.resolveEntry(entry);
            Entry start = s.entry(id);
            EntryId root = Render.content(start) instanceof Content.Post p && p.isReply() ? p.root() : id;
            var entries = s.store().indexes().thread(root);
            if (entries.isEmpty()) throw new UserError("no thread for " + id);
            Render render = s.render();
            var out = spec.commandLine().getOut();
            if (json.on()) {
                out.println(Render.print(render.json(entries)));
            } else {
                if (!entries.get(0).id().equals(root)) out.println("(the first post of this thread is not here yet: " + root + ")\n");
                for (Entry e : entries) {
                    boolean isRoot = e.id().equals(root);
                    out.println(render.block(e, isRoot ? "" : "    "));
                }
            }
        }
        return ExitCodes.OK;
    }
}
