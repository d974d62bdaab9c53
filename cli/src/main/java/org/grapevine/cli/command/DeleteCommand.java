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
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "delete", description = "Delete one of your entries: every node that follows the request drops its body.")
public final class DeleteCommand implements Callable<Integer> {
    @Mixin HomeOption home;
    @Mixin JsonOption json;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "ENTRY_ID", description = "Your entry to delete (a whole id or a unique prefix).")
    String entry;

    @Option(names = "--reason", paramLabel = "TEXT", defaultValue = "", description = "Why, if you want to say.")
    String reason;

    @Override
    public Integer call() {
        try (Session s = home.open()) {
            Entry target = PostCommand.entry(s, entry);
            EntryId id = target.id();
            if (!target.header().author().equals(s.self())) {
                throw new UserError("you can only delete your own entries; use 'grapevine block' for someone else's");
            }
            if (!target.hasContent()) throw new UserError("entry " + id + " is already deleted");
            Entry deletion;
            try {
                deletion = s.publish(new Content.Deletion(id, reason));
            } catch (IllegalArgumentException e) {
                throw new UserError(ExitCodes.USAGE, "--reason: " + e.getMessage());
            }
            var out = spec.commandLine().getOut();
            if (json.on()) {
                out.println(Render.print(Render.JSON.createObjectNode().put("deleted", id.toString())
                        .put("entry", deletion.id().toString())));
            } else {
                out.println("deleted " + id);
            }
        }
        return ExitCodes.OK;
    }
}
