package org.grapevine.cli.command;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.grapevine.cli.ExitCodes;
import org.grapevine.cli.Render;
import org.grapevine.cli.Session;
import org.grapevine.cli.UserError;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.content.Content;
import org.grapevine.identity.log.Entry;
import org.grapevine.node.api.ApiRequest;
import org.grapevine.node.api.ApiResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "log", description = "Show one author's log entry by entry, with sequence numbers and ids.")
public final class LogCommand implements Callable<Integer> {
    @Mixin HomeOption home;
    @Mixin JsonOption json;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "AUTHOR_ID", arity = "0..1", description = "Whose log (an id, unique prefix or petname; default: yours).")
    String author;

    @Option(names = "--from", paramLabel = "SEQ", defaultValue = "1", description = "First sequence number to show (default ${DEFAULT-VALUE}).")
    long from;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "100", description = "How many entries at most (default ${DEFAULT-VALUE}).")
    int limit;

    @Override
    public Integer call() {
        if (from < 1) throw new UserError(ExitCodes.USAGE, "--from must be at least 1");
        if (limit < 1 || limit > 100_000) throw new UserError(ExitCodes.USAGE, "--limit must be between 1 and 100000");
        try (Session s = home.open()) {
            AuthorId who = author == null ? s.self() : s.resolveAuthor(author);
            // One answer holds a page of the log; the next asks from where it stopped.
            ApiResponse.LogView first = s.ask(new ApiRequest.Log(who.toString(), from, limit), ApiResponse.LogView.class);
            List<Entry> entries = new ArrayList<>(Render.entries(first.log()));
            Map<String, ApiResponse.Name> names = new HashMap<>(first.log().names());
            Map<String, ApiResponse.Held> blobs = new HashMap<>(first.log().blobs());
            ApiResponse.LogView page = first;
            while (page.log().more() && !entries.isEmpty() && entries.size() < limit) {
                long next = entries.get(entries.size() - 1).header().seq() + 1;
                page = s.ask(new ApiRequest.Log(who.toString(), next, limit - entries.size()), ApiResponse.LogView.class);
                entries.addAll(Render.entries(page.log()));
                names.putAll(page.log().names());
                blobs.putAll(page.log().blobs());
            }
            Render render = new Render(names, s.self(), blobs);
            boolean forked = first.forked();
            var out = spec.commandLine().getOut();
            if (json.on()) {
                var o = Render.JSON.createObjectNode().put("author", who.toString())
                        .put("head", first.head()).put("forked", forked);
                o.set("entries", render.json(entries));
                out.println(Render.print(o));
            } else {
                out.println(render.who(who) + "  " + who + "  (" + first.head() + " entries)");
                if (forked) out.println("WARNING: this author signed two different histories (a fork); nothing after the fork is accepted.");
                for (Entry e : entries) {
                    String attached = Render.content(e) instanceof Content.Post p && !p.attachments().isEmpty()
                            ? "  [" + p.attachments().size() + " attached]" : "";
                    out.println(String.format("%6d  %s  %s  %-8s  %s%s", e.header().seq(), Render.time(e.header().timestamp()),
                            e.id(), Render.typeName(e.header().contentType()), render.summary(e).replace('\n', ' '), attached));
                }
            }
        }
        return ExitCodes.OK;
    }
}
