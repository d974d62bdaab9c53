package org.grapevine.cli.command;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.grapevine.cli.ExitCodes;
import org.grapevine.cli.Render;
import org.grapevine.cli.Session;
import org.grapevine.cli.UserError;
import org.grapevine.identity.EntryId;
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

@Command(name = "post", description = "Post a message (or a reply) to your log, with files attached if you like.")
public final class PostCommand implements Callable<Integer> {
    @Mixin HomeOption home;
    @Mixin JsonOption json;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "TEXT", description = "What to say.")
    String text;

    @Option(names = "--reply", paramLabel = "ENTRY_ID", description = "Reply to this entry (a whole id or a unique prefix).")
    String reply;

    @Option(names = "--attach", paramLabel = "FILE", arity = "1..*",
            description = "Attach these files (after TEXT; repeatable): each becomes a blob that peers fetch from you.")
    List<Path> attach = new ArrayList<>();

    @Override
    public Integer call() {
        if (text.isBlank() && attach.isEmpty()) throw new UserError(ExitCodes.USAGE, "nothing to post: TEXT is empty");
        if (attach.size() > Content.MAX_ATTACHMENTS) {
            throw new UserError(ExitCodes.USAGE, "at most " + Content.MAX_ATTACHMENTS + " files can be attached to a post, not " + attach.size());
        }
        try {
            Content.Post.text(text); // The text's own limits, checked before any file is added.
        } catch (IllegalArgumentException e) {
            throw new UserError(ExitCodes.USAGE, e.getMessage());
        }
        try (Session s = home.open()) {
            Entry parent = reply == null ? null : entry(s, reply);
            GrapevineCommand root = GrapevineCommand.of(spec);
            List<Content.Attachment> attachments = attach.isEmpty() ? List.of()
                    : Attachments.add(s, attach.stream().map(root::resolve).toList());
            Content.Post post;
            try {
                post = parent == null ? new Content.Post(text, null, null, List.of(), attachments, "") : replyTo(s, parent, attachments);
            } catch (IllegalArgumentException e) {
                throw new UserError(ExitCodes.USAGE, e.getMessage());
            }
            Entry entry = s.publish(post);
            var out = spec.commandLine().getOut();
            if (json.on()) {
                ApiResponse.Entries view = s.ask(new ApiRequest.GetEntry(entry.id().toString()), ApiResponse.Entries.class);
                out.println(Render.print(Render.of(view, s.self()).json(entry)));
            } else {
                out.println(entry.id());
            }
        }
        return ExitCodes.OK;
    }

    /** The held entry {@code text} names (a whole id or a unique prefix). */
    static Entry entry(Session s, String text) {
        return Session.decode(s.ask(new ApiRequest.GetEntry(text), ApiResponse.Entries.class).entries().get(0));
    }

    /** A reply joins the parent's thread: its root is the parent's root, or the parent itself. */
    private Content.Post replyTo(Session s, Entry parent, List<Content.Attachment> attachments) {
        EntryId root = parent.id();
        if (Render.content(parent) instanceof Content.Post p && p.isReply()) root = p.root();
        List<org.grapevine.identity.AuthorId> mentions =
                parent.header().author().equals(s.self()) ? List.of() : List.of(parent.header().author());
        return new Content.Post(text, root, parent.id(), mentions, attachments, "");
    }
}
