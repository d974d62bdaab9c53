package org.grapevine.cli.command;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.grapevine.cli.ExitCodes;
import org.grapevine.cli.Render;
import org.grapevine.cli.Session;
import org.grapevine.cli.UserError;
import org.grapevine.identity.AuthorId;
import org.grapevine.node.Sizes;
import org.grapevine.node.api.ApiRequest;
import org.grapevine.node.api.ApiResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "dm", mixinStandardHelpOptions = true, description = {
        "Direct messages between two people: nobody else learns that you write.",
        "  dm               your conversations (--requests: people you do not follow)",
        "  dm ID            one conversation, oldest first (marks it read)",
        "  dm ID TEXT       send a message (--attach FILE for photos and files)",
        "  dm accept ID     take up a message request without answering",
        "ID is an id, a unique prefix of one, or a petname. A conversation travels",
        "between your two nodes alone, when they meet. Group conversations are",
        "channels: 'grapevine channel create'. Needs the running daemon.",
        "Example: grapevine dm @k3j9 \"are you coming tonight?\""},
        subcommands = {DmCommand.Accept.class})
public final class DmCommand implements Callable<Integer> {
    @Mixin HomeOption home;
    @Mixin JsonOption json;
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ID", arity = "0..1", description = "With whom.")
    String who;

    @Parameters(index = "1", paramLabel = "TEXT", arity = "0..1", description = "What to send.")
    String text;

    @Option(names = "--attach", paramLabel = "FILE", arity = "1..*", description = "Send these files with it (repeatable), bit for bit.")
    List<Path> attach = new ArrayList<>();

    @Option(names = "--requests", description = "List only message requests: conversations opened by people you do not follow.")
    boolean requests;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "50", description = "With ID: how many of the newest messages (default ${DEFAULT-VALUE}).")
    int limit;

    @Override
    public Integer call() {
        if (who == null && (text != null || !attach.isEmpty())) throw new UserError(ExitCodes.USAGE, "say to whom: grapevine dm ID TEXT");
        if (limit < 1 || limit > 10_000) throw new UserError(ExitCodes.USAGE, "--limit must be between 1 and 10000, not " + limit);
        try (Session s = home.open()) {
            if (who == null) return list(s);
            AuthorId with = s.resolveAuthor(who);
            if (with.equals(s.self())) throw new UserError(ExitCodes.USAGE, "a message to yourself goes nowhere: write a note with 'post' instead");
            if (text == null && attach.isEmpty()) return show(s, with);
            GrapevineCommand root = GrapevineCommand.of(spec);
            List<String> files = attach.stream().map(root::resolve).map(Path::toString).toList();
            ApiResponse.Published p = s.ask(new ApiRequest.DmSend(with.toString(), text == null ? "" : text, files), ApiResponse.Published.class);
            var out = spec.commandLine().getOut();
            out.println(json.on() ? Render.print(Render.JSON.createObjectNode().put("id", p.id()).put("to", with.toString())) : p.id());
        }
        return ExitCodes.OK;
    }

    private int list(Session s) {
        ApiResponse.Conversations all = s.ask(new ApiRequest.DmList(requests), ApiResponse.Conversations.class);
        Render render = new Render(all.names(), s.self());
        var out = spec.commandLine().getOut();
        if (json.on()) {
            var array = Render.JSON.createArrayNode();
            for (ApiResponse.Conversation c : all.conversations()) {
                array.addObject().put("with", c.with()).put("name", render.who(AuthorId.parse(c.with()))).put("request", c.request())
                        .put("sent", c.sent()).put("received", c.received()).put("unread", c.unread()).put("last_text", c.lastText())
                        .put("last_timestamp", c.lastTimestamp()).put("last_mine", c.lastMine()).put("delivered", c.delivered());
            }
            out.println(Render.print(array));
            return ExitCodes.OK;
        }
        if (all.conversations().isEmpty()) {
            out.println(requests ? "No message requests." : "No conversations yet: 'grapevine dm ID TEXT' writes to someone.");
            return ExitCodes.OK;
        }
        for (ApiResponse.Conversation c : all.conversations()) {
            String state = c.unread() > 0 ? c.unread() + " unread" : c.lastMine() ? (c.delivered() ? "delivered" : "not delivered yet") : "";
            String last = c.lastText() == null ? "" : (c.lastMine() ? "you: " : "") + oneLine(c.lastText());
            out.println(render.who(AuthorId.parse(c.with())) + (c.request() ? "  (request)" : "") + "  " + Render.time(c.lastTimestamp())
                    + (state.isEmpty() ? "" : "  " + state));
            out.println("  " + last);
        }
        return ExitCodes.OK;
    }

    private int show(Session s, AuthorId with) {
        ApiResponse.Messages m = s.ask(new ApiRequest.DmShow(with.toString(), limit), ApiResponse.Messages.class);
        Render render = new Render(m.names(), s.self());
        var out = spec.commandLine().getOut();
        if (json.on()) {
            var array = Render.JSON.createArrayNode();
            for (ApiResponse.Message x : m.messages()) {
                var o = array.addObject().put("id", x.id()).put("mine", x.mine()).put("timestamp", x.timestamp()).put("text", x.text())
                        .put("delivered", x.delivered());
                var files = o.putArray("attachments");
                for (ApiResponse.ChannelAttachment a : x.attachments()) {
                    files.addObject().put("id", a.id()).put("name", a.name()).put("size", a.size()).put("here", a.here()).put("path", a.path());
                }
            }
            out.println(Render.print(array));
            return ExitCodes.OK;
        }
        String them = render.who(with);
        if (m.messages().isEmpty()) out.println("Nothing with " + them + " yet: 'grapevine dm " + who + " TEXT' writes to them.");
        if (m.request()) out.println("(a message request: reply, or 'grapevine dm accept " + who + "', or 'grapevine block " + who + "')");
        for (ApiResponse.Message x : m.messages()) {
            out.println((x.mine() ? "you" : them) + "  " + Render.time(x.timestamp()) + (x.mine() ? (x.delivered() ? "  delivered" : "  not delivered yet") : ""));
            for (String l : x.text().split("\n", -1)) {
                if (!l.isEmpty() || x.attachments().isEmpty()) out.println("  " + l);
            }
            for (ApiResponse.ChannelAttachment a : x.attachments()) {
                out.println("  attached: " + a.name() + "  " + Sizes.human(a.size()) + "  " + (a.here() ? "here" : "not here yet"));
            }
        }
        return ExitCodes.OK;
    }

    private static String oneLine(String text) {
        String l = text.replace('\n', ' ');
        return l.length() > 70 ? l.substring(0, 69) + "…" : l;
    }

    @Command(name = "accept", mixinStandardHelpOptions = true, description = "Take up a message request without answering it.")
    static final class Accept implements Callable<Integer> {
        @Mixin HomeOption home;
        @Mixin JsonOption json;
        @Spec CommandSpec spec;

        @Parameters(paramLabel = "ID", description = "Whose request.")
        String who;

        @Override
        public Integer call() {
            try (Session s = home.open()) {
                AuthorId with = s.resolveAuthor(who);
                s.ask(new ApiRequest.DmAccept(with.toString()), ApiResponse.Done.class);
                var out = spec.commandLine().getOut();
                out.println(json.on() ? Render.print(Render.JSON.createObjectNode().put("accepted", with.toString())) : "accepted " + who);
            }
            return ExitCodes.OK;
        }
    }
}
