package org.grapevine.cli.command;

import java.util.concurrent.Callable;
import org.grapevine.cli.ExitCodes;
import org.grapevine.cli.Render;
import org.grapevine.cli.Session;
import org.grapevine.cli.UserError;
import org.grapevine.identity.content.Content;
import org.grapevine.identity.BlobId;
import org.grapevine.node.api.ApiResponse;
import org.grapevine.node.api.ApiRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "profile", description = "Show or change the name and description you declare about yourself.")
public final class ProfileCommand implements Callable<Integer> {
    @Mixin HomeOption home;
    @Mixin JsonOption json;
    @Spec CommandSpec spec;

    @Option(names = "--name", paramLabel = "X", description = "The name you go by (others see it marked as self-declared).")
    String name;

    @Option(names = "--about", paramLabel = "TEXT", description = "A few words about yourself.")
    String about;

    @Override
    public Integer call() {
        try (Session s = home.open()) {
            ApiResponse.Me me = s.ask(new ApiRequest.Whoami(), ApiResponse.Me.class);
            var current = new Content.About(me.name() == null ? "" : me.name(), me.about() == null ? "" : me.about(),
                    me.avatar() == null ? null : BlobId.parse(me.avatar()));
            var out = spec.commandLine().getOut();
            Content.About next = current;
            if (name != null || about != null) {
                try {
                    next = new Content.About(name != null ? name.strip() : current.name(),
                            about != null ? about.strip() : current.description(), current.avatar());
                } catch (IllegalArgumentException e) {
                    throw new UserError(ExitCodes.USAGE, e.getMessage());
                }
                if (!next.equals(current)) s.publish(next);
            }
            if (json.on()) {
                out.println(Render.print(Render.JSON.createObjectNode().put("id", s.self().toString())
                        .put("name", next.name()).put("about", next.description())));
            } else {
                out.println("name:  " + (next.name().isEmpty() ? "(none)" : next.name()));
                out.println("about: " + (next.description().isEmpty() ? "(none)" : next.description()));
            }
        }
        return ExitCodes.OK;
    }
}
