package org.grapevine.cli.command;

import java.io.PrintWriter;
import org.grapevine.cli.ExitCodes;
import org.grapevine.cli.Render;
import org.grapevine.cli.Session;
import org.grapevine.cli.UserError;
import org.grapevine.identity.AuthorId;
import org.grapevine.node.api.ApiRequest;
import org.grapevine.node.api.ApiResponse;
import org.grapevine.identity.content.Content;
import org.grapevine.identity.log.Entry;

/** What follow, unfollow, block and unblock share: resolve the person, publish the entry, report. */
final class Relation {
    private Relation() {}

    static int change(HomeOption home, JsonOption json, PrintWriter out, String target, boolean follow, boolean on) {
        try (Session s = home.open()) {
            AuthorId who = s.resolveAuthor(target);
            if (who.equals(s.self())) throw new UserError(ExitCodes.USAGE, "that is your own id");
            ApiResponse.PersonView person = s.ask(new ApiRequest.Person(who.toString()), ApiResponse.PersonView.class);
            boolean already = follow ? person.follows() : person.blocks();
            String verb = (on ? "" : "un") + (follow ? "follow" : "block");
            Entry entry = null;
            if (already != on) {
                entry = s.publish(follow ? new Content.Follow(who, on) : new Content.Block(who, on));
            }
            String name = new Render(java.util.Map.of(who.toString(), person.name()), s.self()).who(who);
            if (json.on()) {
                var o = Render.JSON.createObjectNode().put("target", who.toString()).put("action", verb)
                        .put("changed", entry != null);
                if (entry != null) o.put("entry", entry.id().toString());
                out.println(Render.print(o));
            } else if (entry == null) {
                out.println("nothing to do: you " + (on ? "already " : "do not ") + (follow ? "follow " : "block ") + name);
            } else {
                out.println(verb + "ed " + name + "  " + who);
            }
        }
        return ExitCodes.OK;
    }
}
