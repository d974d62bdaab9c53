package org.grapevine.cli.command;

import java.util.concurrent.Callable;
import org.grapevine.cli.ExitCodes;
import org.grapevine.cli.Render;
import org.grapevine.cli.Session;
import org.grapevine.cli.UserError;
import org.grapevine.identity.content.Content;
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
            var current = s.store().indexes().about(s.self()).orElse(new Content.About("", "", null));
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
