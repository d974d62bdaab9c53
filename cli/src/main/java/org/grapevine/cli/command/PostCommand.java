package org.grapevine.cli.command;

import java.util.List;
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
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "post", description = "Post a message (or a reply) to your log.")
public final class PostCommand implements Callable<Integer> {
    @Mixin HomeOption home;
    @Mixin JsonOption json;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "TEXT", description = "What to say.")
    String text;

    @Option(names = "--reply", paramLabel = "ENTRY_ID", description = "Reply to this entry (a whole id or a unique prefix).")
    String reply;

    @Override
    public Integer call() {
        if (text.isBlank()) throw new UserError(ExitCodes.USAGE, "nothing to post: TEXT is empty");
        try (Session s = home.open()) {
            Content.Post post;
            try {
                post = reply == null ? Content.Post.text(text) : replyTo(s, s.resolveEntry(reply));
            } catch (IllegalArgumentException e) {
                throw new UserError(ExitCodes.USAGE, e.getMessage());
            }
            Entry entry = s.publish(post);
            var out = spec.commandLine().getOut();
            if (json.on()) {
                out.println(Render.print(new Render(s.store().indexes(), s.self()).json(entry)));
            } else {
                out.println(entry.id());
            }
        }
        return ExitCodes.OK;
    }

    /** A reply joins the parent's thread: its root is the parent's root, or the parent itself. */
    private Content.Post replyTo(Session s, EntryId parentId) {
        Entry parent = s.entry(parentId);
        EntryId root = parentId;
        if (Render.content(parent) instanceof Content.Post p && p.isReply()) root = p.root();
        List<org.grapevine.identity.AuthorId> mentions =
                parent.header().author().equals(s.self()) ? List.of() : List.of(parent.header().author());
        return new Content.Post(text, root, parentId, mentions, List.of(), "");
    }
}
